#pragma once

// Private to core/imaging: readers that call libjpeg, giflib and libwebp directly, for what
// OpenCV's imdecode cannot do (reduced-scale JPEG with CMYK and truncation detection, GIF,
// animated WebP). Each catches its library's errors and returns them as text.

#include <QByteArray>
#include <QString>

#include <opencv2/core.hpp>

namespace likeness {

// How much of an image a reader may and must produce.
struct DecodeLimits
{
    qint64 maxPixels = 0; // a larger declared size is refused before decoding
    // The picture may be decoded at a reduced scale as long as its longer side stays at least
    // minLongSide and its shorter side at least minShortSide pixels.
    int minLongSide = 0;
    int minShortSide = 0;
};

struct CodecResult
{
    cv::Mat picture;   // 8-bit BGR or BGRA, upright, possibly reduced (see DecodeLimits)
    int width = 0;     // upright size of the full image
    int height = 0;
    int scaleDenominator = 1; // picture is 1/scaleDenominator of the full size
    QString status;    // an ImageStatus value when picture is empty
    QString error;     // why picture is empty
};

CodecResult readJpeg(const QByteArray &bytes, const DecodeLimits &limits);
CodecResult readGif(const QByteArray &bytes, const DecodeLimits &limits);
CodecResult readWebP(const QByteArray &bytes, const DecodeLimits &limits);

QString tooManyPixels(qint64 width, qint64 height, qint64 limit);

} // namespace likeness
