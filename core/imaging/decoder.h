#pragma once

#include <QByteArray>
#include <QString>

namespace likeness {

// Side of the square picture the models see. Model inputs are stored as
// ModelInputSide × ModelInputSide × 3 bytes, RGB, row-major, upright, with transparency
// composited onto white.
inline constexpr int ModelInputSide = 32;
inline constexpr int ModelInputBytes = ModelInputSide * ModelInputSide * 3;
// Longest side of a thumbnail in pixels. Thumbnails are JPEG (of this quality) when the
// picture is opaque, PNG when it has transparency, which they keep.
inline constexpr int ThumbnailSide = 128;
inline constexpr int ThumbnailJpegQuality = 85;

struct DecodeOptions
{
    // A file that declares more pixels than this in its header is refused before anything is
    // decoded, so a small file that claims to be huge (a "decompression bomb") cannot exhaust
    // memory. The default allows about 179 megapixels (e.g. 16384 × 10922).
    qint64 maxPixels = 178956970;
};

// The most any pixel limit may allow: one gigapixel, about 4 GB per image being decoded (and
// one image is decoded per thread). Larger limits are refused where they are set.
inline constexpr qint64 MaxPixelsCeiling = 1000000000;

// Everything the importer learns from one image file.
struct DecodedImage
{
    bool ok = false;
    QString status;      // an ImageStatus value (see store/project.h)
    QString error;       // why it is not ok, e.g. "truncated JPEG data"
    QString contentHash; // hex SHA-256 of the file bytes (set whenever the file was read)
    qint64 bytes = 0;
    int width = 0; // upright size
    int height = 0;
    int scaleDenominator = 1; // the pixels were decoded at 1/scaleDenominator of full size
    QByteArray thumbnail;  // JPEG or PNG, see ThumbnailSide
    QByteArray modelInput; // ModelInputBytes bytes, see above
};

// Reads the file through Qt (so any file name works) and decodes it from memory: JPEG (also
// CMYK, with its EXIF orientation applied), PNG (8 and 16 bit, grey, palette, with alpha),
// GIF and WebP (the first frame of an animation), BMP and TIFF, recognised from the bytes.
// JPEG is decoded at the smallest 1/2, 1/4 or 1/8 scale that still covers the thumbnail and
// the model input; width and height are always those of the full, upright image.
// Never throws; a file that cannot be used comes back with ok == false and a reason:
// status "corrupt" for damaged or truncated data and files that cannot be read, "unsupported"
// for other formats and for sizes past DecodeOptions::maxPixels, "missing" for files that
// do not exist (a dangling symbolic link).
DecodedImage decodeImageFile(const QString &path, const DecodeOptions &options = {});
DecodedImage decodeImageBytes(const QByteArray &bytes, const DecodeOptions &options = {});

} // namespace likeness
