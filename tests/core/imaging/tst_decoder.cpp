#include "imaging/decoder.h"
#include "store/project.h"
#include "testimages.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace likeness;
using namespace testimages;

// Every format and oddity a real collection holds, each built by the test itself, decoded
// from bytes the way the importer decodes files.
class tst_Decoder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsFormats_data();
    void readsFormats();
    void exifOrientationIsApplied_data();
    void exifOrientationIsApplied();
    void refusesBadData_data();
    void refusesBadData();
    void pixelLimitIsConfigurable();
    void largeJpegIsDecodedReduced();
    void refusesWhatIsNotARegularFile();
};

namespace {

QColor pixelOfModelInput(const QByteArray &input, int x, int y)
{
    const int at = (y * ModelInputSide + x) * 3;
    return QColor(uchar(input[at]), uchar(input[at + 1]), uchar(input[at + 2]));
}

bool near(const QColor &a, const QColor &b, int tolerance)
{
    return std::abs(a.red() - b.red()) <= tolerance && std::abs(a.green() - b.green()) <= tolerance
           && std::abs(a.blue() - b.blue()) <= tolerance;
}

QString describe(const QColor &colour)
{
    return QStringLiteral("(%1, %2, %3, alpha %4)")
        .arg(colour.red()).arg(colour.green()).arg(colour.blue()).arg(colour.alpha());
}

QByteArray sixteenBitRows(int width, int height, const QVector<quint16> &pixel)
{
    QByteArray rows;
    for (int i = 0; i < width * height; ++i) {
        for (quint16 sample : pixel) {
            rows += bigEndian16(sample);
        }
    }
    return rows;
}

} // namespace

void tst_Decoder::readsFormats_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<QColor>("modelSees");  // centre of the model input (alpha on white)
    QTest::addColumn<int>("thumbnailAlpha"); // alpha at the thumbnail's centre
    QTest::addColumn<int>("tolerance");

    const QColor red(220, 30, 40);
    QTest::newRow("JPEG") << encoded(filled(300, 200, red), "JPEG", 95) << 300 << 200 << red
                          << 255 << 6;
    QTest::newRow("JPEG grey") << encoded(filled(300, 200, QColor(128, 128, 128),
                                                 QImage::Format_Grayscale8),
                                          "JPEG", 95)
                               << 300 << 200 << QColor(128, 128, 128) << 255 << 4;

    const QByteArray jpeg = encoded(filled(300, 200, red), "JPEG", 95);
    QTest::newRow("JPEG without its end marker") << jpeg.left(jpeg.size() - 2) << 300 << 200
                                                 << red << 255 << 6;
    const QByteArray smallJpeg = encoded(filled(100, 60, red), "JPEG", 95);
    QTest::newRow("small JPEG without its end marker")
        << smallJpeg.left(smallJpeg.size() - 2) << 100 << 60 << red << 255 << 6;
    const uchar adobeRed[4] = {255, 0, 0, 255}; // no cyan, all magenta and yellow, no black
    const uchar plainRed[4] = {0, 255, 255, 0};
    QTest::newRow("CMYK JPEG, Adobe-inverted")
        << cmykJpeg(64, 48, adobeRed, true, JCS_CMYK) << 64 << 48 << QColor(255, 0, 0) << 255
        << 8;
    QTest::newRow("YCCK JPEG, Adobe-inverted")
        << cmykJpeg(64, 48, adobeRed, true, JCS_YCCK) << 64 << 48 << QColor(255, 0, 0) << 255
        << 8;
    QTest::newRow("CMYK JPEG, plain") << cmykJpeg(64, 48, plainRed, false, JCS_CMYK) << 64 << 48
                                      << QColor(255, 0, 0) << 255 << 8;

    // 16-bit samples are scaled to 8 bits: 0x8080 is 128, not clipped to 255.
    QTest::newRow("16-bit grey PNG, scaled not clipped")
        << png(20, 10, 16, 0, sixteenBitRows(20, 10, {0x8080})) << 20 << 10
        << QColor(128, 128, 128) << 255 << 0;
    QTest::newRow("16-bit colour PNG, scaled not clipped")
        << png(20, 10, 16, 2, sixteenBitRows(20, 10, {0x4040, 0x8080, 0xC0C0})) << 20 << 10
        << QColor(64, 128, 192) << 255 << 0;
    QTest::newRow("16-bit RGBA PNG")
        << png(20, 10, 16, 6, sixteenBitRows(20, 10, {0xFFFF, 0, 0, 0xFFFF})) << 20 << 10
        << QColor(255, 0, 0) << 255 << 0;

    // Transparency: the model sees the picture on white, the thumbnail keeps the alpha.
    QTest::newRow("grey+alpha PNG, half transparent black")
        << png(20, 10, 8, 4, QByteArray("\0\x80", 2).repeated(20 * 10))
        << 20 << 10 << QColor(127, 127, 127) << 128 << 1;
    QTest::newRow("RGBA PNG, fully transparent")
        << encoded(filled(30, 20, QColor(0, 0, 0, 0)), "PNG") << 30 << 20
        << QColor(255, 255, 255) << 0 << 0;
    QTest::newRow("RGBA PNG, opaque blue")
        << encoded(filled(30, 20, QColor(0, 0, 255)), "PNG") << 30 << 20 << QColor(0, 0, 255)
        << 255 << 0;
    {
        QImage palette(30, 20, QImage::Format_Indexed8);
        palette.setColorTable({qRgb(10, 200, 30), qRgb(0, 0, 0)});
        palette.fill(0);
        QTest::newRow("palette PNG") << encoded(palette, "PNG") << 30 << 20
                                     << QColor(10, 200, 30) << 255 << 0;
    }

    QTest::newRow("WebP lossy") << webp(filled(40, 30, red), false) << 40 << 30 << red << 255
                                << 8;
    QTest::newRow("WebP lossless, transparent")
        << webp(filled(40, 30, QColor(0, 0, 0, 0)), true) << 40 << 30 << QColor(255, 255, 255)
        << 0 << 0;
    QTest::newRow("animated WebP: first frame")
        << animatedWebp(40, 30, {QColor(0, 255, 0), QColor(0, 0, 255)}) << 40 << 30
        << QColor(0, 255, 0) << 255 << 0;

    QTest::newRow("TIFF") << tiffImage(40, 30, red) << 40 << 30 << red << 255 << 0;
    QTest::newRow("BMP") << encoded(filled(40, 30, red, QImage::Format_RGB32), "BMP") << 40
                         << 30 << red << 255 << 0;

    QTest::newRow("GIF") << gif(40, 30, {{red}}) << 40 << 30 << red << 255 << 0;
    QTest::newRow("GIF, interlaced") << gif(40, 30, {{red}}, 0, 0, true) << 40 << 30 << red
                                     << 255 << 0;
    QTest::newRow("GIF, transparent") << gif(40, 30, {{red, true}}) << 40 << 30
                                      << QColor(255, 255, 255) << 0 << 0;
    QTest::newRow("animated GIF: first frame")
        << gif(40, 30, {{QColor(0, 0, 255)}, {red}}) << 40 << 30 << QColor(0, 0, 255) << 255
        << 0;
    QTest::newRow("GIF frame smaller than its screen")
        << gif(10, 10, {{red}}, 40, 30) << 40 << 30 << QColor(255, 255, 255) << 0 << 0;
}

void tst_Decoder::readsFormats()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(QColor, modelSees);
    QFETCH(int, thumbnailAlpha);
    QFETCH(int, tolerance);

    const DecodedImage image = decodeImageBytes(bytes);
    QVERIFY2(image.ok, qPrintable(image.error));
    QCOMPARE(image.status, ImageStatus::Ok);
    QCOMPARE(image.width, width);
    QCOMPARE(image.height, height);
    QCOMPARE(image.bytes, bytes.size());
    QCOMPARE(image.contentHash.size(), 64);

    QCOMPARE(image.modelInput.size(), ModelInputBytes);
    const QColor seen = pixelOfModelInput(image.modelInput, ModelInputSide / 2,
                                          ModelInputSide / 2);
    QVERIFY2(near(seen, modelSees, tolerance), qPrintable(describe(seen)));

    const QImage thumbnail = QImage::fromData(image.thumbnail);
    QVERIFY(!thumbnail.isNull());
    QCOMPARE(thumbnail.width() >= thumbnail.height(), width >= height);
    QCOMPARE(thumbnail.pixelColor(thumbnail.width() / 2, thumbnail.height() / 2).alpha(),
             thumbnailAlpha);
}

void tst_Decoder::exifOrientationIsApplied_data()
{
    QTest::addColumn<int>("orientation");
    QTest::addColumn<int>("width"); // of the upright picture
    for (int orientation = 1; orientation <= 8; ++orientation) {
        QTest::addRow("orientation %d, reduced decode", orientation) << orientation << 640;
    }
    QTest::newRow("orientation 6, full-size decode") << 6 << 64;
    QTest::newRow("orientation 7, full-size decode") << 7 << 64;
}

// The upright picture has a red top-left, a green top-right and a blue bottom-left corner.
// The file stores it as EXIF (TIFF 6.0) defines for each orientation: which visual side the
// stored first row and first column are. Decoding must give the upright picture back.
void tst_Decoder::exifOrientationIsApplied()
{
    QFETCH(int, orientation);
    QFETCH(int, width);
    const int height = width * 3 / 4;
    const QColor red(255, 0, 0), green(0, 255, 0), blue(0, 0, 255), grey(128, 128, 128);
    auto upright = [&](int x, int y) {
        const bool left = x < width / 3, right = x >= width * 2 / 3;
        const bool top = y < height / 3, bottom = y >= height * 2 / 3;
        return top && left ? red : top && right ? green : bottom && left ? blue : grey;
    };

    const bool turned = orientation >= 5;
    const int storedWidth = turned ? height : width;
    const int storedHeight = turned ? width : height;
    // First row is the visual top, bottom, left or right side; first column likewise.
    const bool rowIsTopOrLeft = orientation == 1 || orientation == 2 || orientation == 5
                                || orientation == 8;
    const bool columnIsLeftOrTop = orientation == 1 || orientation == 4 || orientation == 5
                                   || orientation == 6;
    QImage stored(storedWidth, storedHeight, QImage::Format_RGB32);
    for (int y = 0; y < storedHeight; ++y) {
        for (int x = 0; x < storedWidth; ++x) {
            int ux = 0, uy = 0;
            if (!turned) {
                ux = columnIsLeftOrTop ? x : width - 1 - x;
                uy = rowIsTopOrLeft ? y : height - 1 - y;
            } else {
                ux = rowIsTopOrLeft ? y : width - 1 - y;
                uy = columnIsLeftOrTop ? x : height - 1 - x;
            }
            stored.setPixelColor(x, y, upright(ux, uy));
        }
    }
    const QByteArray bytes = withOrientation(encoded(stored, "JPEG", 95), orientation,
                                             orientation % 2 == 0);

    const DecodedImage image = decodeImageBytes(bytes);
    QVERIFY2(image.ok, qPrintable(image.error));
    QCOMPARE(image.width, width);
    QCOMPARE(image.height, height);

    const QImage thumbnail = QImage::fromData(image.thumbnail);
    QCOMPARE(thumbnail.width(), std::min(width, ThumbnailSide));
    const int tw = thumbnail.width(), th = thumbnail.height();
    QVERIFY(near(thumbnail.pixelColor(tw / 8, th / 8), red, 40));
    QVERIFY(near(thumbnail.pixelColor(tw * 7 / 8, th / 8), green, 40));
    QVERIFY(near(thumbnail.pixelColor(tw / 8, th * 7 / 8), blue, 40));
    QVERIFY(near(thumbnail.pixelColor(tw * 7 / 8, th * 7 / 8), grey, 40));

    const int s = ModelInputSide;
    QVERIFY(near(pixelOfModelInput(image.modelInput, s / 8, s / 8), red, 40));
    QVERIFY(near(pixelOfModelInput(image.modelInput, s * 7 / 8, s / 8), green, 40));
    QVERIFY(near(pixelOfModelInput(image.modelInput, s / 8, s * 7 / 8), blue, 40));
}

void tst_Decoder::refusesBadData_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("reason");

    const QByteArray jpeg = encoded(noise(400, 300, 1), "JPEG", 90);
    const QByteArray pngBytes = encoded(noise(200, 150, 2), "PNG");
    const QByteArray gifBytes = gif(200, 150, {{Qt::red}, {Qt::blue}});
    const QByteArray webpBytes = webp(noise(200, 150, 3), false);

    QTest::newRow("zero bytes") << QByteArray() << ImageStatus::Corrupt << "empty";
    QTest::newRow("text") << QByteArray("a list of things to buy\n") << ImageStatus::Unsupported
                          << "not an image";
    QTest::newRow("truncated JPEG") << jpeg.left(jpeg.size() / 2) << ImageStatus::Corrupt
                                    << "truncated";
    QTest::newRow("JPEG cut near its end") << jpeg.left(jpeg.size() * 85 / 100)
                                           << ImageStatus::Corrupt << "truncated";
    QTest::newRow("JPEG header only") << jpeg.left(300) << ImageStatus::Corrupt << "JPEG";
    QByteArray twelveBit = encoded(filled(16, 16, Qt::red), "JPEG");
    twelveBit[twelveBit.indexOf(QByteArray("\xFF\xC0", 2)) + 4] = 12;
    QTest::newRow("12-bit JPEG") << twelveBit << ImageStatus::Unsupported << "precision 12";
    QTest::newRow("truncated PNG") << pngBytes.left(pngBytes.size() / 2) << ImageStatus::Corrupt
                                   << "damaged or truncated";
    QTest::newRow("truncated GIF") << gifBytes.left(gifBytes.size() / 4) << ImageStatus::Corrupt
                                   << "GIF";
    QTest::newRow("truncated WebP") << webpBytes.left(webpBytes.size() / 2)
                                    << ImageStatus::Corrupt << "WebP";
    QTest::newRow("truncated TIFF header") << tiffImage(40, 30, Qt::red).left(6)
                                           << ImageStatus::Corrupt << "header";

    // Decompression bombs: small files that declare a huge picture.
    QTest::newRow("JPEG declaring 30000 × 30000")
        << withDeclaredJpegSize(encoded(filled(16, 16, Qt::red), "JPEG"), 30000, 30000)
        << ImageStatus::Unsupported << "30000 × 30000 pixels";
    QTest::newRow("PNG declaring 20000 × 20000")
        << png(20000, 20000, 8, 0, {}) << ImageStatus::Unsupported << "20000 × 20000 pixels";
    QTest::newRow("GIF declaring 20000 × 20000")
        << gif(1, 1, {{Qt::red}}, 20000, 20000) << ImageStatus::Unsupported
        << "20000 × 20000 pixels";
    QByteArray bmp = encoded(filled(4, 4, Qt::red, QImage::Format_RGB32), "BMP");
    qToLittleEndian<qint32>(20000, bmp.data() + 18);
    qToLittleEndian<qint32>(20000, bmp.data() + 22);
    QTest::newRow("BMP declaring 20000 × 20000") << bmp << ImageStatus::Unsupported
                                                 << "20000 × 20000 pixels";
}

void tst_Decoder::refusesBadData()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, status);
    QFETCH(QString, reason);

    const DecodedImage image = decodeImageBytes(bytes);
    QVERIFY(!image.ok);
    QCOMPARE(image.status, status);
    QVERIFY2(image.error.contains(reason), qPrintable(image.error));
    QVERIFY(image.thumbnail.isEmpty());
    QVERIFY(image.modelInput.isEmpty());
    QCOMPARE(image.bytes, bytes.size());
}

void tst_Decoder::pixelLimitIsConfigurable()
{
    const QByteArray bytes = encoded(filled(40, 30, Qt::red), "PNG");
    DecodeOptions options;
    options.maxPixels = 40 * 30 - 1;
    const DecodedImage refused = decodeImageBytes(bytes, options);
    QCOMPARE(refused.status, ImageStatus::Unsupported);
    QVERIFY2(refused.error.contains(QStringLiteral("limit of 1199 pixels")),
             qPrintable(refused.error));

    options.maxPixels = 40 * 30;
    QVERIFY(decodeImageBytes(bytes, options).ok);
    QVERIFY(decodeImageBytes(encoded(filled(40, 30, Qt::red), "JPEG"), options).ok);
    options.maxPixels = 40 * 30 - 1;
    QCOMPARE(decodeImageBytes(encoded(filled(40, 30, Qt::red), "JPEG"), options).status,
             ImageStatus::Unsupported);
}

// A 1920 × 1080 JPEG is decoded at 1/8 scale (240 × 135, still larger than the thumbnail),
// yet reports its full size.
void tst_Decoder::largeJpegIsDecodedReduced()
{
    const DecodedImage image = decodeImageBytes(encoded(noise(1920, 1080, 4), "JPEG", 90));
    QVERIFY2(image.ok, qPrintable(image.error));
    QCOMPARE(image.width, 1920);
    QCOMPARE(image.height, 1080);
    QCOMPARE(image.scaleDenominator, 8);
    QCOMPARE(QImage::fromData(image.thumbnail).size(), QSize(128, 72));

    const DecodedImage small = decodeImageBytes(encoded(noise(200, 100, 5), "JPEG", 90));
    QCOMPARE(small.scaleDenominator, 1);
}

void tst_Decoder::refusesWhatIsNotARegularFile()
{
    QTemporaryDir dir;
    const QString folder = dir.filePath(QStringLiteral("folder.jpg"));
    QVERIFY(QDir().mkpath(folder));
    const DecodedImage fromFolder = decodeImageFile(folder);
    QCOMPARE(fromFolder.status, ImageStatus::Unsupported);
    QVERIFY2(fromFolder.error.contains(QStringLiteral("folder")), qPrintable(fromFolder.error));

    // Opening a pipe would wait for a writer forever; it must be refused without opening.
    const QString pipe = dir.filePath(QStringLiteral("pipe.jpg"));
    QCOMPARE(mkfifo(QFile::encodeName(pipe).constData(), 0600), 0);
    const DecodedImage fromPipe = decodeImageFile(pipe);
    QCOMPARE(fromPipe.status, ImageStatus::Unsupported);
    QVERIFY2(fromPipe.error.contains(QStringLiteral("not a regular file")),
             qPrintable(fromPipe.error));

    const QString dangling = dir.filePath(QStringLiteral("dangling.jpg"));
    QVERIFY(QFile::link(dir.filePath(QStringLiteral("nothing.jpg")), dangling));
    const DecodedImage fromLink = decodeImageFile(dangling);
    QCOMPARE(fromLink.status, ImageStatus::Missing);
    QVERIFY2(fromLink.error.contains(QStringLiteral("symbolic link")),
             qPrintable(fromLink.error));
}

QTEST_GUILESS_MAIN(tst_Decoder)
#include "tst_decoder.moc"
