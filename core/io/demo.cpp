#include "demo.h"

#include "io/importer.h"
#include "io/labelscsv.h"
#include "logging.h"
#include "store/project.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <QTextStream>

#include <opencv2/imgcodecs.hpp>

#include <zlib.h>

namespace likeness {

namespace {

const char *const ClassNames[] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                  "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

// Reads a gzip-compressed IDX file: big-endian magic, dimension sizes, then uint8 data.
Result<QByteArray> readIdx(const QString &path, int expectedDimensions, QVector<int> &sizes)
{
    gzFile file = gzopen(QFile::encodeName(path).constData(), "rb");
    if (!file) {
        return Result<QByteArray>::failure(
            QStringLiteral("Cannot read %1. Install the Fashion-MNIST data with "
                           "'apt-get install dataset-fashion-mnist'.").arg(path));
    }

    QByteArray content;
    char buffer[1 << 16];
    int got = 0;
    while ((got = gzread(file, buffer, sizeof buffer)) > 0) {
        content.append(buffer, got);
    }
    gzclose(file);

    auto bigEndian = [&](int offset) {
        const auto *b = reinterpret_cast<const uchar *>(content.constData()) + offset;
        return int((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]);
    };
    const int headerBytes = 4 + 4 * expectedDimensions;
    if (got < 0 || content.size() < headerBytes || (bigEndian(0) & 0xff) != expectedDimensions) {
        return Result<QByteArray>::failure(QStringLiteral("%1 is not an IDX file.").arg(path));
    }
    qint64 items = 1;
    for (int i = 0; i < expectedDimensions; ++i) {
        sizes.append(bigEndian(4 + 4 * i));
        items *= sizes.last();
    }
    if (content.size() - headerBytes != items) {
        return Result<QByteArray>::failure(QStringLiteral("%1 is truncated.").arg(path));
    }
    return content.mid(headerBytes);
}

QString folderNameOf(const QString &className)
{
    QString name = className;
    return name.replace(u'/', u'-').replace(u' ', u'-');
}

} // namespace

QString fashionMnistFolder()
{
    const QByteArray overridden = qgetenv("LIKENESS_FASHION_MNIST");
    return overridden.isEmpty() ? QStringLiteral("/usr/share/datasets/fashion-mnist")
                                : QString::fromLocal8Bit(overridden);
}

Result<DemoReport> createDemoData(Project &project, int limit, JobControl &control)
{
    using Answer = Result<DemoReport>;
    if (limit < 10) {
        return Answer::failure(QStringLiteral("The demo needs at least 10 images."));
    }

    QVector<int> imageSizes;
    QVector<int> labelSizes;
    const QDir source(fashionMnistFolder());
    const auto images = readIdx(source.filePath(QStringLiteral("train-images-idx3-ubyte.gz")), 3,
                                imageSizes);
    if (!images) {
        return Answer::failure(images.error());
    }
    const auto labels = readIdx(source.filePath(QStringLiteral("train-labels-idx1-ubyte.gz")), 1,
                                labelSizes);
    if (!labels) {
        return Answer::failure(labels.error());
    }
    const int count = std::min({limit, imageSizes[0], labelSizes[0]});
    const int rows = imageSizes[1];
    const int columns = imageSizes[2];

    DemoReport report;
    const QDir demo(project.filePath(QStringLiteral("demo-data")));
    report.imageFolder = demo.filePath(QStringLiteral("images"));
    report.labelsCsv = demo.filePath(QStringLiteral("labels.csv"));
    for (const char *name : ClassNames) {
        QDir().mkpath(QDir(report.imageFolder).filePath(folderNameOf(QString::fromUtf8(name))));
    }

    QSaveFile csv(report.labelsCsv);
    if (!csv.open(QIODevice::WriteOnly)) {
        return Answer::failure(QStringLiteral("Cannot write %1: %2")
                                   .arg(report.labelsCsv, csv.errorString()));
    }
    QTextStream out(&csv);
    out << "image,label\n";
    for (int i = 0; i < count; ++i) {
        if (control.isCanceled()) {
            return Answer::failure(QStringLiteral("The demo was cancelled."));
        }
        control.setProgress(i, count, QStringLiteral("Writing Fashion-MNIST images"));

        const int label = uchar(labels->at(i));
        const QString className = QString::fromUtf8(ClassNames[label % 10]);
        const QString relative = QStringLiteral("images/%1/train-%2.png")
                                     .arg(folderNameOf(className))
                                     .arg(i, 5, 10, QLatin1Char('0'));
        const cv::Mat pixels(rows, columns, CV_8U,
                             const_cast<char *>(images->constData()) + qint64(i) * rows * columns);
        std::vector<uchar> png;
        cv::imencode(".png", pixels, png);
        QFile file(demo.filePath(relative));
        if (!file.open(QIODevice::WriteOnly)
            || file.write(reinterpret_cast<const char *>(png.data()), qint64(png.size())) < 0) {
            return Answer::failure(QStringLiteral("Cannot write %1: %2")
                                       .arg(file.fileName(), file.errorString()));
        }
        out << csvField(relative) << ',' << csvField(className) << '\n';
    }
    out.flush();
    if (!csv.commit()) {
        return Answer::failure(QStringLiteral("Cannot write %1.").arg(report.labelsCsv));
    }
    report.imagesWritten = count;

    const auto imported = importImages(project, {report.imageFolder}, control);
    if (!imported) {
        return Answer::failure(imported.error());
    }
    LabelCsvOptions options;
    options.imageColumn = QStringLiteral("image");
    options.labelsColumn = QStringLiteral("label");
    options.separator = QStringLiteral(";");
    const auto labelled = importLabelsCsv(project, report.labelsCsv, options);
    if (!labelled) {
        return Answer::failure(labelled.error());
    }
    qCInfo(lcImport) << "demo data:" << count << "Fashion-MNIST images in" << report.imageFolder;
    return report;
}

} // namespace likeness
