#pragma once

#include <QByteArray>
#include <QSize>

#include <optional>

namespace likeness {

enum class ImageFormat { Unknown, Jpeg, Png, Gif, Bmp, Tiff, WebP };

// The format is read from the first bytes of the file, never from its name.
ImageFormat sniffImageFormat(const QByteArray &bytes);

// The pixel size a PNG, BMP or TIFF file declares in its header, read without decoding
// anything, so that a huge declared size can be refused before memory is allocated.
// Empty when the header is too short or damaged, or for other formats (their codecs read
// the header themselves, see codecs.h).
std::optional<QSize> declaredImageSize(const QByteArray &bytes, ImageFormat format);

// The EXIF orientation (1..8) stored in a TIFF-structured EXIF block (the payload of a JPEG
// APP1 segment after its "Exif\0\0" prefix). 1 (upright) when absent or unreadable.
int exifOrientation(const QByteArray &tiff);

} // namespace likeness
