#include "decoder.h"

#include "codecs.h"
#include "imageheader.h"
#include "logging.h"
#include "store/project.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>

#include <openssl/evp.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace likeness {

namespace {

// SHA-256 through OpenSSL, which uses the processor's SHA instructions where it has them:
// about ten times faster than QCryptographicHash, whose time would otherwise rival decoding.
QString contentHash(const QByteArray &bytes)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!EVP_Digest(bytes.constData(), size_t(bytes.size()), digest, &length, EVP_sha256(),
                    nullptr)) {
        return QString::fromLatin1(
            QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
    }
    return QString::fromLatin1(
        QByteArray::fromRawData(reinterpret_cast<const char *>(digest), int(length)).toHex());
}

DecodedImage failed(DecodedImage image, const QString &status, const QString &error)
{
    image.ok = false;
    image.status = status;
    image.error = error;
    return image;
}

// Brings any decoded matrix to 8-bit BGR or BGRA: 16-bit values are scaled, not clipped.
cv::Mat toEightBit(const cv::Mat &decoded)
{
    cv::Mat eight;
    if (decoded.depth() == CV_16U) {
        decoded.convertTo(eight, CV_8U, 1.0 / 257.0);
    } else if (decoded.depth() != CV_8U) {
        cv::normalize(decoded, eight, 0, 255, cv::NORM_MINMAX, CV_8U);
    } else {
        eight = decoded;
    }

    cv::Mat colour;
    switch (eight.channels()) {
    case 1:
        cv::cvtColor(eight, colour, cv::COLOR_GRAY2BGR);
        return colour;
    case 2: {
        // Grey plus alpha: split and rebuild as BGRA.
        std::vector<cv::Mat> planes;
        cv::split(eight, planes);
        cv::merge(std::vector<cv::Mat>{planes[0], planes[0], planes[0], planes[1]}, colour);
        return colour;
    }
    default:
        return eight;
    }
}

// Model inputs see transparency composited onto white, so a transparent background never
// reads as black.
cv::Mat compositeOnWhite(const cv::Mat &bgra)
{
    if (bgra.channels() != 4) {
        return bgra;
    }
    cv::Mat bgr(bgra.rows, bgra.cols, CV_8UC3);
    for (int y = 0; y < bgra.rows; ++y) {
        const cv::Vec4b *in = bgra.ptr<cv::Vec4b>(y);
        cv::Vec3b *out = bgr.ptr<cv::Vec3b>(y);
        for (int x = 0; x < bgra.cols; ++x) {
            const int alpha = in[x][3];
            for (int c = 0; c < 3; ++c) {
                out[x][c] = static_cast<uchar>((in[x][c] * alpha + 255 * (255 - alpha)) / 255);
            }
        }
    }
    return bgr;
}

QByteArray encodeThumbnail(const cv::Mat &picture)
{
    const int longest = std::max(picture.cols, picture.rows);
    cv::Mat small = picture;
    if (longest > ThumbnailSide) {
        const double scale = double(ThumbnailSide) / longest;
        cv::resize(picture, small,
                   cv::Size(std::max(1, int(picture.cols * scale + 0.5)),
                            std::max(1, int(picture.rows * scale + 0.5))),
                   0, 0, cv::INTER_AREA);
    }

    // PNG only where there is transparency to keep: JPEG encodes about fifteen times faster.
    bool transparent = false;
    if (small.channels() == 4) {
        cv::Mat alpha;
        cv::extractChannel(small, alpha, 3);
        double lowest = 255;
        cv::minMaxLoc(alpha, &lowest);
        transparent = lowest < 255;
    }
    std::vector<uchar> encoded;
    if (transparent) {
        cv::imencode(".png", small, encoded, {cv::IMWRITE_PNG_COMPRESSION, 3});
    } else {
        cv::Mat opaque = small;
        if (small.channels() == 4) {
            cv::cvtColor(small, opaque, cv::COLOR_BGRA2BGR);
        }
        cv::imencode(".jpg", opaque, encoded, {cv::IMWRITE_JPEG_QUALITY, ThumbnailJpegQuality});
    }
    return QByteArray(reinterpret_cast<const char *>(encoded.data()), qsizetype(encoded.size()));
}

// The model sees the whole picture squeezed to a square: no part of the image is cropped.
QByteArray encodeModelInput(const cv::Mat &picture)
{
    cv::Mat bgr = compositeOnWhite(picture);
    cv::Mat square;
    cv::resize(bgr, square, cv::Size(ModelInputSide, ModelInputSide), 0, 0, cv::INTER_AREA);
    cv::Mat rgb;
    cv::cvtColor(square, rgb, cv::COLOR_BGR2RGB);
    return QByteArray(reinterpret_cast<const char *>(rgb.data), ModelInputBytes);
}

// Formats OpenCV reads well: PNG, BMP and TIFF, with their alpha channel and bit depth. The
// declared size is checked first, because OpenCV's own limit (2^30 pixels) is far larger.
CodecResult readWithOpenCv(const QByteArray &bytes, ImageFormat format,
                           const DecodeLimits &limits)
{
    CodecResult result;
    const std::optional<QSize> declared = declaredImageSize(bytes, format);
    if (!declared) {
        result.status = ImageStatus::Corrupt;
        result.error = QStringLiteral("the image header is damaged or truncated");
        return result;
    }
    if (qint64(declared->width()) * declared->height() > limits.maxPixels) {
        result.status = ImageStatus::Unsupported;
        result.error = tooManyPixels(declared->width(), declared->height(), limits.maxPixels);
        return result;
    }

    cv::Mat decoded;
    try {
        const cv::Mat buffer(1, int(bytes.size()), CV_8U, const_cast<char *>(bytes.constData()));
        decoded = cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception &error) {
        result.status = ImageStatus::Corrupt;
        result.error = QStringLiteral("the decoder failed: %1")
                           .arg(QString::fromStdString(error.msg).trimmed());
        return result;
    }
    if (decoded.empty()) {
        result.status = ImageStatus::Corrupt;
        result.error = QStringLiteral("the image data is damaged or truncated");
        return result;
    }
    result.picture = toEightBit(decoded);
    result.width = result.picture.cols;
    result.height = result.picture.rows;
    return result;
}

} // namespace

DecodedImage decodeImageFile(const QString &path, const DecodeOptions &options)
{
    // Only regular files are opened: opening a named pipe would wait for a writer forever.
    DecodedImage image;
    const QFileInfo info(path);
    if (info.isSymLink() && !info.exists()) {
        return failed(image, ImageStatus::Missing,
                      QStringLiteral("the symbolic link points to a file that does not exist"));
    }
    if (!info.exists()) {
        return failed(image, ImageStatus::Missing, QStringLiteral("the file does not exist"));
    }
    if (info.isDir()) {
        return failed(image, ImageStatus::Unsupported,
                      QStringLiteral("a folder, not an image file"));
    }
    if (!info.isFile()) {
        return failed(image, ImageStatus::Unsupported,
                      QStringLiteral("not a regular file (a pipe, socket or device)"));
    }

    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return failed(image, ImageStatus::Corrupt,
                      QStringLiteral("cannot read the file: %1").arg(file.errorString()));
    }
    const QByteArray bytes = file.readAll();
    if (file.error() != QFileDevice::NoError) {
        return failed(image, ImageStatus::Corrupt,
                      QStringLiteral("cannot read the file: %1").arg(file.errorString()));
    }
    return decodeImageBytes(bytes, options);
}

DecodedImage decodeImageBytes(const QByteArray &bytes, const DecodeOptions &options)
{
    DecodedImage image;
    image.bytes = bytes.size();
    image.contentHash = contentHash(bytes);
    if (bytes.isEmpty()) {
        return failed(image, ImageStatus::Corrupt, QStringLiteral("the file is empty"));
    }

    const ImageFormat format = sniffImageFormat(bytes);
    DecodeLimits limits;
    limits.maxPixels = options.maxPixels;
    limits.minLongSide = ThumbnailSide;
    limits.minShortSide = ModelInputSide;
    CodecResult decoded;
    switch (format) {
    case ImageFormat::Unknown:
        return failed(image, ImageStatus::Unsupported,
                      QStringLiteral("not an image in a format Likeness reads (JPEG, PNG, GIF, "
                                     "WebP, BMP, TIFF)"));
    case ImageFormat::Jpeg:
        decoded = readJpeg(bytes, limits);
        break;
    case ImageFormat::Gif:
        decoded = readGif(bytes, limits);
        break;
    case ImageFormat::WebP:
        decoded = readWebP(bytes, limits);
        break;
    default:
        decoded = readWithOpenCv(bytes, format, limits);
        break;
    }
    if (decoded.picture.empty()) {
        return failed(image, decoded.status, decoded.error);
    }

    image.width = decoded.width;
    image.height = decoded.height;
    image.scaleDenominator = decoded.scaleDenominator;
    image.thumbnail = encodeThumbnail(decoded.picture);
    image.modelInput = encodeModelInput(decoded.picture);
    image.ok = true;
    image.status = ImageStatus::Ok;
    return image;
}

} // namespace likeness
