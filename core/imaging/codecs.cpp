#include "codecs.h"

#include "imageheader.h"
#include "logging.h"
#include "store/project.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <memory>

#include <gif_lib.h>
#include <jpeglib.h>
#include <jerror.h>
#include <webp/decode.h>
#include <webp/demux.h>

namespace likeness {

namespace {

CodecResult failure(const QString &status, const QString &error)
{
    CodecResult result;
    result.status = status;
    result.error = error;
    return result;
}

// ---- JPEG (libjpeg-turbo) -----------------------------------------------------------------

// libjpeg reports fatal errors through error_exit, which must not return: it jumps back into
// the step that called libjpeg. Warnings are counted; running out of data is remembered,
// because libjpeg then pads the picture with grey and calls the result a success.
struct JpegErrors
{
    jpeg_error_mgr manager;
    std::jmp_buf jump;
    bool ranOutOfData = false;
    JDIMENSION ranOutAtRow = 0; // the output row being decoded when the data ended
    int code = 0; // libjpeg's message code of the fatal error
    char message[JMSG_LENGTH_MAX] = {};
};

void jpegErrorExit(j_common_ptr info)
{
    auto *errors = reinterpret_cast<JpegErrors *>(info->err);
    errors->code = info->err->msg_code;
    info->err->format_message(info, errors->message);
    std::longjmp(errors->jump, 1);
}

// Valid JPEG variants that this libjpeg build cannot decode (12-bit, lossless, ...), as
// opposed to damaged data.
bool isUnsupportedJpeg(int code)
{
    return code == JERR_BAD_PRECISION || code == JERR_NOTIMPL || code == JERR_NOT_COMPILED
           || code == JERR_CONVERSION_NOTIMPL || code == JERR_ARITH_NOTIMPL;
}

void jpegEmitMessage(j_common_ptr info, int level)
{
    if (level >= 0) {
        return;
    }
    auto *errors = reinterpret_cast<JpegErrors *>(info->err);
    if (info->err->msg_code == JWRN_JPEG_EOF && !errors->ranOutOfData) {
        errors->ranOutOfData = true;
        errors->ranOutAtRow = reinterpret_cast<j_decompress_ptr>(info)->output_scanline;
    }
    ++info->err->num_warnings;
}

// The steps below call libjpeg and nothing else, and hold only trivially destructible locals,
// so that a longjmp out of them skips no destructor.
bool jpegReadHeader(jpeg_decompress_struct &info, JpegErrors &errors, const QByteArray &bytes)
{
    if (setjmp(errors.jump)) {
        return false;
    }
    jpeg_mem_src(&info, reinterpret_cast<const unsigned char *>(bytes.constData()),
                 static_cast<unsigned long>(bytes.size()));
    jpeg_save_markers(&info, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(&info, TRUE);
    return true;
}

bool jpegStart(jpeg_decompress_struct &info, JpegErrors &errors)
{
    if (setjmp(errors.jump)) {
        return false;
    }
    jpeg_start_decompress(&info);
    return true;
}

bool jpegReadRows(jpeg_decompress_struct &info, JpegErrors &errors, uchar *data, size_t step)
{
    if (setjmp(errors.jump)) {
        return false;
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = data + size_t(info.output_scanline) * step;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    return true;
}

// The largest 1/2^k scale (k ≤ 3, what libjpeg offers) that keeps both sides large enough.
unsigned int jpegScaleDenominator(qint64 width, qint64 height, const DecodeLimits &limits)
{
    unsigned int chosen = 1;
    for (unsigned int denominator : {2u, 4u, 8u}) {
        const qint64 w = (width + denominator - 1) / denominator;
        const qint64 h = (height + denominator - 1) / denominator;
        if (std::max(w, h) < limits.minLongSide || std::min(w, h) < limits.minShortSide) {
            break;
        }
        chosen = denominator;
    }
    return chosen;
}

int jpegOrientation(const jpeg_decompress_struct &info)
{
    for (jpeg_saved_marker_ptr marker = info.marker_list; marker; marker = marker->next) {
        if (marker->marker == JPEG_APP0 + 1 && marker->data_length > 6
            && std::memcmp(marker->data, "Exif\0\0", 6) == 0) {
            return exifOrientation(QByteArray::fromRawData(
                reinterpret_cast<const char *>(marker->data) + 6,
                qsizetype(marker->data_length) - 6));
        }
    }
    return 1;
}

// CMYK as Adobe's programs write it stores every channel inverted (255 means no ink) and
// marks the file with an APP14 "Adobe" segment; other writers store plain ink amounts.
cv::Mat cmykToBgr(const cv::Mat &cmyk, bool inverted)
{
    cv::Mat bgr(cmyk.rows, cmyk.cols, CV_8UC3);
    for (int y = 0; y < cmyk.rows; ++y) {
        const cv::Vec4b *in = cmyk.ptr<cv::Vec4b>(y);
        cv::Vec3b *out = bgr.ptr<cv::Vec3b>(y);
        for (int x = 0; x < cmyk.cols; ++x) {
            int light[4];
            for (int c = 0; c < 4; ++c) {
                light[c] = inverted ? in[x][c] : 255 - in[x][c];
            }
            out[x][0] = uchar((light[2] * light[3] + 127) / 255);
            out[x][1] = uchar((light[1] * light[3] + 127) / 255);
            out[x][2] = uchar((light[0] * light[3] + 127) / 255);
        }
    }
    return bgr;
}

// Turns a picture stored with an EXIF orientation upright (TIFF 6.0, tag 274).
cv::Mat orientUpright(const cv::Mat &stored, int orientation)
{
    cv::Mat upright;
    switch (orientation) {
    case 2:
        cv::flip(stored, upright, 1);
        return upright;
    case 3:
        cv::rotate(stored, upright, cv::ROTATE_180);
        return upright;
    case 4:
        cv::flip(stored, upright, 0);
        return upright;
    case 5:
        cv::transpose(stored, upright);
        return upright;
    case 6:
        cv::rotate(stored, upright, cv::ROTATE_90_CLOCKWISE);
        return upright;
    case 7: {
        cv::Mat transposed;
        cv::transpose(stored, transposed);
        cv::rotate(transposed, upright, cv::ROTATE_180);
        return upright;
    }
    case 8:
        cv::rotate(stored, upright, cv::ROTATE_90_COUNTERCLOCKWISE);
        return upright;
    default:
        return stored;
    }
}

// ---- GIF (giflib) -------------------------------------------------------------------------

struct GifSource
{
    const QByteArray *bytes = nullptr;
    qsizetype position = 0;
};

int readGifBytes(GifFileType *gif, GifByteType *out, int length)
{
    auto *source = static_cast<GifSource *>(gif->UserData);
    const qsizetype available = source->bytes->size() - source->position;
    const int count = int(std::min<qsizetype>(length, available));
    std::memcpy(out, source->bytes->constData() + source->position, size_t(count));
    source->position += count;
    return count;
}

struct GifCloser
{
    void operator()(GifFileType *gif) const
    {
        int error = 0;
        DGifCloseFile(gif, &error);
    }
};

QString gifError(const GifFileType *gif)
{
    const char *text = GifErrorString(gif->Error);
    return QStringLiteral("the GIF data is damaged or truncated (%1)")
        .arg(QString::fromLatin1(text ? text : "unknown error"));
}

// Reads the indices of one frame, row by row; interlaced frames come in four passes.
bool readGifFrame(GifFileType *gif, cv::Mat &indices)
{
    const GifImageDesc &frame = gif->Image;
    indices.create(frame.Height, frame.Width, CV_8UC1);
    if (!frame.Interlace) {
        for (int y = 0; y < frame.Height; ++y) {
            if (DGifGetLine(gif, indices.ptr<GifPixelType>(y), frame.Width) == GIF_ERROR) {
                return false;
            }
        }
        return true;
    }
    const int starts[] = {0, 4, 2, 1};
    const int steps[] = {8, 8, 4, 2};
    for (int pass = 0; pass < 4; ++pass) {
        for (int y = starts[pass]; y < frame.Height; y += steps[pass]) {
            if (DGifGetLine(gif, indices.ptr<GifPixelType>(y), frame.Width) == GIF_ERROR) {
                return false;
            }
        }
    }
    return true;
}

// ---- WebP (libwebp) -----------------------------------------------------------------------

struct AnimDecoderDeleter
{
    void operator()(WebPAnimDecoder *decoder) const { WebPAnimDecoderDelete(decoder); }
};

} // namespace

QString tooManyPixels(qint64 width, qint64 height, qint64 limit)
{
    return QStringLiteral("the image declares %1 × %2 pixels, more than the limit of %3 "
                          "pixels")
        .arg(width).arg(height).arg(limit);
}

CodecResult readJpeg(const QByteArray &bytes, const DecodeLimits &limits)
{
    jpeg_decompress_struct info;
    JpegErrors errors;
    info.err = jpeg_std_error(&errors.manager);
    errors.manager.error_exit = jpegErrorExit;
    errors.manager.emit_message = jpegEmitMessage;
    jpeg_create_decompress(&info);
    const std::unique_ptr<jpeg_decompress_struct, void (*)(jpeg_decompress_struct *)> guard(
        &info, [](jpeg_decompress_struct *p) { jpeg_destroy_decompress(p); });
    const auto damaged = [&errors] {
        const QString message = QString::fromLocal8Bit(errors.message);
        if (isUnsupportedJpeg(errors.code)) {
            return failure(ImageStatus::Unsupported,
                           QStringLiteral("a kind of JPEG Likeness cannot read: %1").arg(message));
        }
        return failure(ImageStatus::Corrupt,
                       QStringLiteral("the JPEG data is damaged: %1").arg(message));
    };

    if (!jpegReadHeader(info, errors, bytes)) {
        return damaged();
    }
    const qint64 width = info.image_width;
    const qint64 height = info.image_height;
    // Saved markers live only until the decompression finishes.
    const int orientation = jpegOrientation(info);
    if (width * height > limits.maxPixels) {
        return failure(ImageStatus::Unsupported, tooManyPixels(width, height, limits.maxPixels));
    }

    // libjpeg scales by 1/2, 1/4 or 1/8 inside the inverse DCT: most of the work is skipped.
    const bool cmyk = info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK;
    info.out_color_space = cmyk ? JCS_CMYK : JCS_EXT_BGR;
    info.scale_num = 1;
    info.scale_denom = jpegScaleDenominator(width, height, limits);
    if (info.scale_denom > 1) {
        // The picture is only shrunk further for thumbnails: the fast integer transform and
        // plain chroma upsampling lose nothing visible there.
        info.dct_method = JDCT_IFAST;
        info.do_fancy_upsampling = FALSE;
    }
    if (!jpegStart(info, errors)) {
        return damaged();
    }
    cv::Mat stored(int(info.output_height), int(info.output_width),
                   CV_8UC(info.output_components));
    if (!jpegReadRows(info, errors, stored.data, stored.step)) {
        return damaged();
    }
    // libjpeg reads ahead into the next row of blocks, so data that ends while the last row
    // is decoded lacks only its end marker: a whole picture, as some writers leave it. Data
    // that ends earlier is truncated.
#if JPEG_LIB_VERSION >= 70
    const int blockHeight = info.min_DCT_v_scaled_size;
#else
    const int blockHeight = info.min_DCT_scaled_size;
#endif
    const auto blockRows = JDIMENSION(info.max_v_samp_factor * blockHeight);
    if (errors.ranOutOfData && errors.ranOutAtRow + blockRows < info.output_height) {
        return failure(ImageStatus::Corrupt, QStringLiteral("the JPEG data is truncated"));
    }
    if (info.err->num_warnings > 0) {
        qCDebug(lcImport) << "JPEG decoded with" << info.err->num_warnings << "warnings";
    }

    CodecResult result;
    result.picture = orientUpright(cmyk ? cmykToBgr(stored, info.saw_Adobe_marker) : stored,
                                   orientation);
    const bool turned = orientation >= 5;
    result.width = int(turned ? height : width);
    result.height = int(turned ? width : height);
    result.scaleDenominator = int(info.scale_denom);
    return result;
}

CodecResult readGif(const QByteArray &bytes, const DecodeLimits &limits)
{
    GifSource source{&bytes, 0};
    int openError = 0;
    const std::unique_ptr<GifFileType, GifCloser> gif(DGifOpen(&source, readGifBytes, &openError));
    if (!gif) {
        const char *text = GifErrorString(openError);
        return failure(ImageStatus::Corrupt,
                       QStringLiteral("the GIF header is damaged (%1)")
                           .arg(QString::fromLatin1(text ? text : "unknown error")));
    }
    if (qint64(gif->SWidth) * gif->SHeight > limits.maxPixels) {
        return failure(ImageStatus::Unsupported,
                       tooManyPixels(gif->SWidth, gif->SHeight, limits.maxPixels));
    }

    // Only the first frame is read; a graphics control block before it may name the colour
    // index that is transparent.
    int transparent = NO_TRANSPARENT_COLOR;
    for (;;) {
        GifRecordType record = UNDEFINED_RECORD_TYPE;
        if (DGifGetRecordType(gif.get(), &record) == GIF_ERROR) {
            return failure(ImageStatus::Corrupt, gifError(gif.get()));
        }
        if (record == TERMINATE_RECORD_TYPE) {
            return failure(ImageStatus::Corrupt, QStringLiteral("the GIF holds no image"));
        }
        if (record == EXTENSION_RECORD_TYPE) {
            int code = 0;
            GifByteType *extension = nullptr;
            if (DGifGetExtension(gif.get(), &code, &extension) == GIF_ERROR) {
                return failure(ImageStatus::Corrupt, gifError(gif.get()));
            }
            if (code == GRAPHICS_EXT_FUNC_CODE && extension) {
                GraphicsControlBlock control;
                if (DGifExtensionToGCB(extension[0], extension + 1, &control) == GIF_OK) {
                    transparent = control.TransparentColor;
                }
            }
            while (extension) {
                if (DGifGetExtensionNext(gif.get(), &extension) == GIF_ERROR) {
                    return failure(ImageStatus::Corrupt, gifError(gif.get()));
                }
            }
            continue;
        }
        if (record == IMAGE_DESC_RECORD_TYPE) {
            break;
        }
    }

    if (DGifGetImageDesc(gif.get()) == GIF_ERROR) {
        return failure(ImageStatus::Corrupt, gifError(gif.get()));
    }
    const GifImageDesc frame = gif->Image;
    if (qint64(frame.Width) * frame.Height > limits.maxPixels) {
        return failure(ImageStatus::Unsupported,
                       tooManyPixels(frame.Width, frame.Height, limits.maxPixels));
    }
    const ColorMapObject *colours = frame.ColorMap ? frame.ColorMap : gif->SColorMap;
    if (!colours || frame.Width <= 0 || frame.Height <= 0) {
        return failure(ImageStatus::Corrupt,
                       QStringLiteral("the GIF's first frame has no colours or no pixels"));
    }
    cv::Mat indices;
    if (!readGifFrame(gif.get(), indices)) {
        return failure(ImageStatus::Corrupt, gifError(gif.get()));
    }

    // The frame is placed on a transparent canvas of the logical screen's size.
    const int canvasWidth = gif->SWidth > 0 ? gif->SWidth : frame.Width;
    const int canvasHeight = gif->SHeight > 0 ? gif->SHeight : frame.Height;
    cv::Mat canvas(canvasHeight, canvasWidth, CV_8UC4, cv::Scalar(0, 0, 0, 0));
    bool usesTransparency = frame.Left > 0 || frame.Top > 0
                            || frame.Left + frame.Width < canvasWidth
                            || frame.Top + frame.Height < canvasHeight;
    for (int y = 0; y < frame.Height && frame.Top + y < canvasHeight; ++y) {
        const uchar *row = indices.ptr<uchar>(y);
        cv::Vec4b *out = canvas.ptr<cv::Vec4b>(frame.Top + y);
        for (int x = 0; x < frame.Width && frame.Left + x < canvasWidth; ++x) {
            const int index = row[x];
            if (index == transparent) {
                usesTransparency = true;
                continue;
            }
            const GifColorType colour =
                index < colours->ColorCount ? colours->Colors[index] : GifColorType{0, 0, 0};
            out[frame.Left + x] = cv::Vec4b(colour.Blue, colour.Green, colour.Red, 255);
        }
    }

    CodecResult result;
    result.width = canvasWidth;
    result.height = canvasHeight;
    if (usesTransparency) {
        result.picture = canvas;
    } else {
        cv::cvtColor(canvas, result.picture, cv::COLOR_BGRA2BGR);
    }
    return result;
}

CodecResult readWebP(const QByteArray &bytes, const DecodeLimits &limits)
{
    const auto *data = reinterpret_cast<const uint8_t *>(bytes.constData());
    const size_t size = size_t(bytes.size());
    WebPBitstreamFeatures features;
    if (WebPGetFeatures(data, size, &features) != VP8_STATUS_OK) {
        return failure(ImageStatus::Corrupt, QStringLiteral("the WebP header is damaged"));
    }
    if (qint64(features.width) * features.height > limits.maxPixels) {
        return failure(ImageStatus::Unsupported,
                       tooManyPixels(features.width, features.height, limits.maxPixels));
    }

    CodecResult result;
    result.width = features.width;
    result.height = features.height;
    if (!features.has_animation) {
        const bool alpha = features.has_alpha;
        cv::Mat picture(features.height, features.width, alpha ? CV_8UC4 : CV_8UC3);
        const size_t total = picture.step * size_t(picture.rows);
        const int step = int(picture.step);
        const uint8_t *done = alpha
                                  ? WebPDecodeBGRAInto(data, size, picture.data, total, step)
                                  : WebPDecodeBGRInto(data, size, picture.data, total, step);
        if (!done) {
            return failure(ImageStatus::Corrupt,
                           QStringLiteral("the WebP data is damaged or truncated"));
        }
        result.picture = picture;
        return result;
    }

    // An animation: the first frame, composed onto the canvas as a viewer shows it.
    WebPAnimDecoderOptions options;
    WebPAnimDecoderOptionsInit(&options);
    options.color_mode = MODE_BGRA;
    options.use_threads = 0;
    const WebPData webp{data, size};
    const std::unique_ptr<WebPAnimDecoder, AnimDecoderDeleter> decoder(
        WebPAnimDecoderNew(&webp, &options));
    WebPAnimInfo animation;
    uint8_t *frame = nullptr;
    int timestamp = 0;
    if (!decoder || !WebPAnimDecoderGetInfo(decoder.get(), &animation)
        || !WebPAnimDecoderGetNext(decoder.get(), &frame, &timestamp)) {
        return failure(ImageStatus::Corrupt,
                       QStringLiteral("the animated WebP data is damaged or truncated"));
    }
    result.width = int(animation.canvas_width);
    result.height = int(animation.canvas_height);
    result.picture = cv::Mat(result.height, result.width, CV_8UC4, frame).clone();
    return result;
}

} // namespace likeness
