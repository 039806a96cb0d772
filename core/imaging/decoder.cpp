#include "decoder.h"

#include "logging.h"
#include "store/project.h"

#include <QCryptographicHash>
#include <QFile>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace likeness {

namespace {

enum class Format { Unknown, Jpeg, Png, Gif, Bmp, Tiff, WebP };

// The format is read from the first bytes, never from the file name.
Format sniffFormat(const QByteArray &bytes)
{
    if (bytes.startsWith("\xFF\xD8\xFF")) {
        return Format::Jpeg;
    }
    if (bytes.startsWith("\x89PNG\r\n\x1A\n")) {
        return Format::Png;
    }
    if (bytes.startsWith("GIF87a") || bytes.startsWith("GIF89a")) {
        return Format::Gif;
    }
    if (bytes.startsWith("BM")) {
        return Format::Bmp;
    }
    if (bytes.startsWith("II*\0") || bytes.startsWith(QByteArray("MM\0*", 4))) {
        return Format::Tiff;
    }
    if (bytes.startsWith("RIFF") && bytes.mid(8, 4) == "WEBP") {
        return Format::WebP;
    }
    return Format::Unknown;
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
    std::vector<uchar> png;
    cv::imencode(".png", small, png, {cv::IMWRITE_PNG_COMPRESSION, 3});
    return QByteArray(reinterpret_cast<const char *>(png.data()), qsizetype(png.size()));
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

} // namespace

DecodedImage decodeImageFile(const QString &path, const DecodeOptions &options)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        DecodedImage image;
        const QString status = file.exists() ? ImageStatus::Corrupt : ImageStatus::Missing;
        return failed(image, status, QStringLiteral("cannot read the file: %1")
                                         .arg(file.errorString()));
    }
    return decodeImageBytes(file.readAll(), options);
}

DecodedImage decodeImageBytes(const QByteArray &bytes, const DecodeOptions &options)
{
    DecodedImage image;
    image.bytes = bytes.size();
    image.contentHash = QString::fromLatin1(
        QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
    if (bytes.isEmpty()) {
        return failed(image, ImageStatus::Corrupt, QStringLiteral("the file is empty"));
    }

    const Format format = sniffFormat(bytes);
    if (format == Format::Unknown) {
        return failed(image, ImageStatus::Unsupported,
                      QStringLiteral("not an image in a format Likeness reads (JPEG, PNG, BMP, "
                                     "TIFF, WebP)"));
    }
    if (format == Format::Gif) {
        // TODO(#4): decode GIF (first frame); OpenCV 4.6 has no GIF reader.
        return failed(image, ImageStatus::Unsupported,
                      QStringLiteral("GIF images cannot be read yet; convert them to PNG"));
    }

    // JPEG is read as colour so that OpenCV applies its EXIF orientation; other formats keep
    // their alpha channel and bit depth.
    const int flags = format == Format::Jpeg ? cv::IMREAD_COLOR : cv::IMREAD_UNCHANGED;
    cv::Mat decoded;
    try {
        const cv::Mat buffer(1, int(bytes.size()), CV_8U,
                             const_cast<char *>(bytes.constData()));
        decoded = cv::imdecode(buffer, flags);
    } catch (const cv::Exception &error) {
        // OpenCV refuses declared sizes past its own pixel limit before allocating.
        if (error.msg.find("validateInputImageSize") != std::string::npos) {
            return failed(image, ImageStatus::Unsupported,
                          QStringLiteral("the image declares more pixels than the limit of %1")
                              .arg(options.maxPixels));
        }
        return failed(image, ImageStatus::Corrupt,
                      QStringLiteral("the decoder failed: %1")
                          .arg(QString::fromStdString(error.msg).trimmed()));
    }
    if (decoded.empty()) {
        return failed(image, ImageStatus::Corrupt,
                      QStringLiteral("the image data is damaged or truncated"));
    }
    if (qint64(decoded.cols) * decoded.rows > options.maxPixels) {
        return failed(image, ImageStatus::Unsupported,
                      QStringLiteral("%1 × %2 pixels is more than the limit of %3")
                          .arg(decoded.cols).arg(decoded.rows).arg(options.maxPixels));
    }

    const cv::Mat picture = toEightBit(decoded);
    image.width = picture.cols;
    image.height = picture.rows;
    image.thumbnail = encodeThumbnail(picture);
    image.modelInput = encodeModelInput(picture);
    image.ok = true;
    image.status = ImageStatus::Ok;
    return image;
}

} // namespace likeness
