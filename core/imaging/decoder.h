#pragma once

#include <QByteArray>
#include <QString>

namespace likeness {

// Side of the square picture the models see. Model inputs are stored as
// ModelInputSide × ModelInputSide × 3 bytes, RGB, row-major, upright, with transparency
// composited onto white.
inline constexpr int ModelInputSide = 32;
inline constexpr int ModelInputBytes = ModelInputSide * ModelInputSide * 3;
// Longest side of a thumbnail in pixels; thumbnails are PNG and keep transparency.
inline constexpr int ThumbnailSide = 128;

struct DecodeOptions
{
    qint64 maxPixels = 178956970; // larger declared sizes are refused before decoding
};

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
    QByteArray thumbnail;  // PNG
    QByteArray modelInput; // ModelInputBytes bytes, see above
};

// Reads the file through Qt (so any file name works) and decodes it from memory with OpenCV.
// Never throws; a file that cannot be used comes back with ok == false and a reason.
DecodedImage decodeImageFile(const QString &path, const DecodeOptions &options = {});
DecodedImage decodeImageBytes(const QByteArray &bytes, const DecodeOptions &options = {});

} // namespace likeness
