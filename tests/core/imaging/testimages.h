#pragma once

// Builds image files for the tests in memory, with Qt where Qt can write the format and with
// the format's own library (libjpeg, giflib, libwebp, libtiff) or a few bytes where it cannot.

#include <QBuffer>
#include <QByteArray>
#include <QColor>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QVector>
#include <QtEndian>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include <gif_lib.h>
#include <jpeglib.h>
#include <tiffio.h>
#include <webp/encode.h>
#include <webp/mux.h>
#include <zlib.h>

namespace testimages {

inline QByteArray encoded(const QImage &image, const char *format, int quality = -1)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, format, quality);
    return bytes;
}

inline QImage filled(int width, int height, const QColor &colour,
                     QImage::Format format = QImage::Format_ARGB32)
{
    QImage image(width, height, format);
    image.fill(colour);
    return image;
}

// Random noise: compresses badly, so that cutting the file cuts image data.
inline QImage noise(int width, int height, quint32 seed)
{
    QImage image(width, height, QImage::Format_RGB32);
    quint32 state = seed;
    for (int y = 0; y < height; ++y) {
        auto *row = reinterpret_cast<QRgb *>(image.scanLine(y));
        for (int x = 0; x < width; ++x) {
            state = state * 1664525u + 1013904223u;
            row[x] = 0xFF000000u | (state >> 8);
        }
    }
    return image;
}

inline QByteArray bigEndian16(quint16 value)
{
    QByteArray bytes(2, '\0');
    qToBigEndian(value, bytes.data());
    return bytes;
}

inline QByteArray bigEndian32(quint32 value)
{
    QByteArray bytes(4, '\0');
    qToBigEndian(value, bytes.data());
    return bytes;
}

// A PNG written chunk by chunk: any bit depth and colour type, rows given unfiltered.
inline QByteArray png(quint32 width, quint32 height, int bitDepth, int colourType,
                      const QByteArray &rows)
{
    auto chunk = [](const char *type, const QByteArray &data) {
        const QByteArray typed = QByteArray(type) + data;
        const auto crc = quint32(crc32(0, reinterpret_cast<const Bytef *>(typed.constData()),
                                       uInt(typed.size())));
        return bigEndian32(quint32(data.size())) + typed + bigEndian32(crc);
    };
    QByteArray header = bigEndian32(width) + bigEndian32(height);
    header += char(bitDepth);
    header += char(colourType);
    header += QByteArray(3, '\0');
    const qsizetype rowBytes = height > 0 ? rows.size() / qsizetype(height) : 0;
    QByteArray filtered;
    for (quint32 y = 0; y < height && rowBytes > 0; ++y) {
        filtered += '\0';
        filtered += rows.mid(qsizetype(y) * rowBytes, rowBytes);
    }
    // qCompress writes a 4-byte length before the zlib stream that PNG wants.
    const QByteArray idat = qCompress(filtered.isEmpty() ? QByteArray(16, '\0') : filtered)
                                .mid(4);
    return QByteArray("\x89PNG\r\n\x1A\n", 8) + chunk("IHDR", header) + chunk("IDAT", idat)
           + chunk("IEND", {});
}

// A JPEG with four colour channels. adobe writes Adobe's APP14 marker; Adobe's programs then
// store every channel inverted, which is what the caller passes in values.
inline QByteArray cmykJpeg(int width, int height, const uchar values[4], bool adobe,
                           J_COLOR_SPACE stored)
{
    jpeg_compress_struct info;
    jpeg_error_mgr errors;
    info.err = jpeg_std_error(&errors);
    jpeg_create_compress(&info);
    unsigned char *buffer = nullptr;
    unsigned long size = 0;
    jpeg_mem_dest(&info, &buffer, &size);
    info.image_width = JDIMENSION(width);
    info.image_height = JDIMENSION(height);
    info.input_components = 4;
    info.in_color_space = JCS_CMYK;
    jpeg_set_defaults(&info);
    jpeg_set_colorspace(&info, stored);
    info.write_Adobe_marker = adobe ? TRUE : FALSE;
    jpeg_set_quality(&info, 95, TRUE);
    jpeg_start_compress(&info, TRUE);
    std::vector<uchar> row(size_t(width) * 4);
    for (int x = 0; x < width; ++x) {
        std::copy(values, values + 4, row.begin() + 4 * x);
    }
    while (info.next_scanline < info.image_height) {
        JSAMPROW pointer = row.data();
        jpeg_write_scanlines(&info, &pointer, 1);
    }
    jpeg_finish_compress(&info);
    const QByteArray bytes(reinterpret_cast<const char *>(buffer), qsizetype(size));
    std::free(buffer);
    jpeg_destroy_compress(&info);
    return bytes;
}

// Puts an EXIF APP1 segment holding only an orientation tag right after the JPEG's SOI.
inline QByteArray withOrientation(const QByteArray &jpeg, int orientation, bool littleEndian)
{
    QByteArray tiff;
    if (littleEndian) {
        tiff = QByteArray("II\x2A\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0", 18);
        tiff += char(orientation);
        tiff += QByteArray(7, '\0');
    } else {
        tiff = QByteArray("MM\0\x2A\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0", 19);
        tiff += char(orientation);
        tiff += QByteArray(6, '\0');
    }
    const QByteArray payload = QByteArray("Exif\0\0", 6) + tiff;
    const QByteArray segment = QByteArray("\xFF\xE1", 2)
                               + bigEndian16(quint16(payload.size() + 2)) + payload;
    return jpeg.left(2) + segment + jpeg.mid(2);
}

// Sets the size a baseline JPEG's SOF0 segment declares, without touching its data.
inline QByteArray withDeclaredJpegSize(QByteArray jpeg, quint16 width, quint16 height)
{
    const qsizetype sof = jpeg.indexOf(QByteArray("\xFF\xC0", 2));
    if (sof >= 0) {
        qToBigEndian(height, jpeg.data() + sof + 5);
        qToBigEndian(width, jpeg.data() + sof + 7);
    }
    return jpeg;
}

struct GifFrame
{
    QColor colour;
    bool transparent = false; // the whole frame uses the transparent index
};

// A GIF of one or more frames of one colour each; screen sizes 0 mean the frame size.
inline QByteArray gif(int width, int height, const QVector<GifFrame> &frames,
                      int screenWidth = 0, int screenHeight = 0, bool interlaced = false)
{
    QByteArray bytes;
    auto write = [](GifFileType *file, const GifByteType *data, int length) {
        static_cast<QByteArray *>(file->UserData)
            ->append(reinterpret_cast<const char *>(data), length);
        return length;
    };
    int error = 0;
    GifFileType *file = EGifOpen(&bytes, write, &error);
    EGifSetGifVersion(file, true);
    GifColorType colours[4] = {};
    for (int i = 0; i < frames.size() && i < 3; ++i) {
        colours[i] = {GifByteType(frames[i].colour.red()), GifByteType(frames[i].colour.green()),
                      GifByteType(frames[i].colour.blue())};
    }
    ColorMapObject *map = GifMakeMapObject(4, colours);
    EGifPutScreenDesc(file, screenWidth ? screenWidth : width,
                      screenHeight ? screenHeight : height, 8, 0, map);
    for (int i = 0; i < frames.size(); ++i) {
        GraphicsControlBlock control{DISPOSAL_UNSPECIFIED, false, 10,
                                     frames[i].transparent ? 3 : NO_TRANSPARENT_COLOR};
        GifByteType extension[4];
        const size_t length = EGifGCBToExtension(&control, extension);
        EGifPutExtension(file, GRAPHICS_EXT_FUNC_CODE, int(length), extension);
        EGifPutImageDesc(file, 0, 0, width, height, interlaced, nullptr);
        std::vector<GifPixelType> row(size_t(width), GifPixelType(frames[i].transparent ? 3 : i));
        for (int y = 0; y < height; ++y) {
            EGifPutLine(file, row.data(), width);
        }
    }
    EGifCloseFile(file, &error);
    GifFreeMapObject(map);
    return bytes;
}

inline QByteArray webp(const QImage &image, bool lossless)
{
    const QImage rgba = image.convertToFormat(QImage::Format_RGBA8888);
    uint8_t *output = nullptr;
    const size_t size =
        lossless ? WebPEncodeLosslessRGBA(rgba.constBits(), rgba.width(), rgba.height(),
                                          int(rgba.bytesPerLine()), &output)
                 : WebPEncodeRGBA(rgba.constBits(), rgba.width(), rgba.height(),
                                  int(rgba.bytesPerLine()), 90, &output);
    const QByteArray bytes(reinterpret_cast<const char *>(output), qsizetype(size));
    WebPFree(output);
    return bytes;
}

// An animated WebP with one frame per colour.
inline QByteArray animatedWebp(int width, int height, const QVector<QColor> &colours)
{
    WebPAnimEncoderOptions options;
    WebPAnimEncoderOptionsInit(&options);
    WebPAnimEncoder *encoder = WebPAnimEncoderNew(width, height, &options);
    WebPConfig config;
    WebPConfigInit(&config);
    config.lossless = 1;
    int timestamp = 0;
    for (const QColor &colour : colours) {
        WebPPicture picture;
        WebPPictureInit(&picture);
        picture.width = width;
        picture.height = height;
        picture.use_argb = 1;
        WebPPictureAlloc(&picture);
        for (int i = 0; i < width * height; ++i) {
            picture.argb[i] = colour.rgba();
        }
        WebPAnimEncoderAdd(encoder, &picture, timestamp, &config);
        WebPPictureFree(&picture);
        timestamp += 100;
    }
    WebPAnimEncoderAdd(encoder, nullptr, timestamp, nullptr);
    WebPData data;
    WebPDataInit(&data);
    WebPAnimEncoderAssemble(encoder, &data);
    const QByteArray bytes(reinterpret_cast<const char *>(data.bytes), qsizetype(data.size));
    WebPDataClear(&data);
    WebPAnimEncoderDelete(encoder);
    return bytes;
}

// An uncompressed 8-bit RGB TIFF, written by libtiff to a temporary file and read back.
inline QByteArray tiffImage(int width, int height, const QColor &colour)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("image.tif"));
    TIFF *file = TIFFOpen(QFile::encodeName(path).constData(), "w");
    TIFFSetField(file, TIFFTAG_IMAGEWIDTH, width);
    TIFFSetField(file, TIFFTAG_IMAGELENGTH, height);
    TIFFSetField(file, TIFFTAG_BITSPERSAMPLE, 8);
    TIFFSetField(file, TIFFTAG_SAMPLESPERPIXEL, 3);
    TIFFSetField(file, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
    TIFFSetField(file, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(file, TIFFTAG_ROWSPERSTRIP, height);
    std::vector<uchar> row(size_t(width) * 3);
    for (int x = 0; x < width; ++x) {
        row[3 * x] = uchar(colour.red());
        row[3 * x + 1] = uchar(colour.green());
        row[3 * x + 2] = uchar(colour.blue());
    }
    for (int y = 0; y < height; ++y) {
        TIFFWriteScanline(file, row.data(), uint32_t(y), 0);
    }
    TIFFClose(file);
    QFile read(path);
    read.open(QIODevice::ReadOnly);
    return read.readAll();
}

} // namespace testimages
