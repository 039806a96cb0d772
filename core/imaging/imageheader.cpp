#include "imageheader.h"

#include <QtEndian>

#include <cstdlib>

namespace likeness {

namespace {

// Reads the integers of a TIFF structure in the byte order its first two bytes name.
class TiffReader
{
public:
    explicit TiffReader(const QByteArray &bytes) : m_bytes(bytes)
    {
        m_valid = bytes.size() >= 8 && (bytes.startsWith("II") || bytes.startsWith("MM"));
        m_little = bytes.startsWith("II");
        m_valid = m_valid && u16(2) == 42;
    }

    bool isValid() const { return m_valid; }

    quint16 u16(qint64 offset) const
    {
        if (offset < 0 || offset + 2 > m_bytes.size()) {
            return 0;
        }
        const uchar *p = reinterpret_cast<const uchar *>(m_bytes.constData()) + offset;
        return m_little ? qFromLittleEndian<quint16>(p) : qFromBigEndian<quint16>(p);
    }

    quint32 u32(qint64 offset) const
    {
        if (offset < 0 || offset + 4 > m_bytes.size()) {
            return 0;
        }
        const uchar *p = reinterpret_cast<const uchar *>(m_bytes.constData()) + offset;
        return m_little ? qFromLittleEndian<quint32>(p) : qFromBigEndian<quint32>(p);
    }

    // The value of a SHORT or LONG tag of the first image file directory.
    std::optional<quint32> firstDirectoryValue(quint16 tag) const
    {
        if (!m_valid) {
            return std::nullopt;
        }
        const qint64 directory = u32(4);
        const int entries = u16(directory);
        for (int i = 0; i < entries; ++i) {
            const qint64 entry = directory + 2 + 12 * qint64(i);
            if (entry + 12 > m_bytes.size()) {
                return std::nullopt;
            }
            if (u16(entry) != tag) {
                continue;
            }
            constexpr quint16 Short = 3;
            constexpr quint16 Long = 4;
            switch (u16(entry + 2)) {
            case Short:
                return u16(entry + 8);
            case Long:
                return u32(entry + 8);
            default:
                return std::nullopt;
            }
        }
        return std::nullopt;
    }

private:
    const QByteArray &m_bytes;
    bool m_little = false;
    bool m_valid = false;
};

quint32 bigEndian32(const QByteArray &bytes, qint64 offset)
{
    return qFromBigEndian<quint32>(reinterpret_cast<const uchar *>(bytes.constData()) + offset);
}

qint32 littleEndian32(const QByteArray &bytes, qint64 offset)
{
    return qFromLittleEndian<qint32>(reinterpret_cast<const uchar *>(bytes.constData()) + offset);
}

quint16 littleEndian16(const QByteArray &bytes, qint64 offset)
{
    return qFromLittleEndian<quint16>(reinterpret_cast<const uchar *>(bytes.constData()) + offset);
}

} // namespace

ImageFormat sniffImageFormat(const QByteArray &bytes)
{
    if (bytes.startsWith("\xFF\xD8\xFF")) {
        return ImageFormat::Jpeg;
    }
    if (bytes.startsWith("\x89PNG\r\n\x1A\n")) {
        return ImageFormat::Png;
    }
    if (bytes.startsWith("GIF87a") || bytes.startsWith("GIF89a")) {
        return ImageFormat::Gif;
    }
    if (bytes.startsWith("BM")) {
        return ImageFormat::Bmp;
    }
    if (bytes.startsWith(QByteArray("II*\0", 4)) || bytes.startsWith(QByteArray("MM\0*", 4))) {
        return ImageFormat::Tiff;
    }
    if (bytes.startsWith("RIFF") && bytes.mid(8, 4) == "WEBP") {
        return ImageFormat::WebP;
    }
    return ImageFormat::Unknown;
}

std::optional<QSize> declaredImageSize(const QByteArray &bytes, ImageFormat format)
{
    switch (format) {
    case ImageFormat::Png:
        // The IHDR chunk always comes first: width and height as big-endian 32-bit values.
        if (bytes.size() < 24 || bytes.mid(12, 4) != "IHDR") {
            return std::nullopt;
        }
        return QSize(int(std::min<quint32>(bigEndian32(bytes, 16), INT_MAX)),
                     int(std::min<quint32>(bigEndian32(bytes, 20), INT_MAX)));
    case ImageFormat::Bmp: {
        // The old OS/2 header (12 bytes) has 16-bit sizes; every later one 32-bit sizes, and
        // a negative height for rows stored top-down.
        if (bytes.size() < 26) {
            return std::nullopt;
        }
        if (littleEndian32(bytes, 14) == 12) {
            return QSize(littleEndian16(bytes, 18), littleEndian16(bytes, 20));
        }
        const qint64 height = std::abs(qint64(littleEndian32(bytes, 22)));
        return QSize(littleEndian32(bytes, 18), int(std::min<qint64>(height, INT_MAX)));
    }
    case ImageFormat::Tiff: {
        constexpr quint16 ImageWidth = 256;
        constexpr quint16 ImageLength = 257;
        const TiffReader tiff(bytes);
        const auto width = tiff.firstDirectoryValue(ImageWidth);
        const auto height = tiff.firstDirectoryValue(ImageLength);
        if (!width || !height) {
            return std::nullopt;
        }
        return QSize(int(std::min<quint32>(*width, INT_MAX)),
                     int(std::min<quint32>(*height, INT_MAX)));
    }
    default:
        return std::nullopt;
    }
}

int exifOrientation(const QByteArray &tiff)
{
    constexpr quint16 Orientation = 0x0112;
    const auto value = TiffReader(tiff).firstDirectoryValue(Orientation);
    return value && *value >= 1 && *value <= 8 ? int(*value) : 1;
}

} // namespace likeness
