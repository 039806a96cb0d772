#include "imaging/decoder.h"
#include "io/importer.h"
#include "store/project.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QTest>

using namespace likeness;

class tst_Importer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void badFilesAreRecordedAndImportGoesOn_data();
    void badFilesAreRecordedAndImportGoesOn();
    void reimportIsIncremental();
    void duplicatesAreReported();
    void transparencyBecomesWhiteForTheModel();
    void symlinkLoopDoesNotHang();
    void deletedFilesBecomeMissing();
    void cancelStopsEarly();

private:
    QString writeImage(const QString &name, const QColor &colour, const char *format = "PNG");
    void writeBytes(const QString &name, const QByteArray &bytes);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Project> m_project;
};

void tst_Importer::init()
{
    m_project.reset();
    m_dir = std::make_unique<QTemporaryDir>();
    QDir(m_dir->path()).mkpath(QStringLiteral("images"));
    auto project = Project::create(m_dir->filePath(QStringLiteral("project")));
    QVERIFY2(project, qPrintable(project.error()));
    m_project = std::move(*project);
}

QString tst_Importer::writeImage(const QString &name, const QColor &colour, const char *format)
{
    QImage image(40, 30, QImage::Format_ARGB32);
    image.fill(colour);
    const QString path = m_dir->filePath(QStringLiteral("images/") + name);
    QDir().mkpath(QFileInfo(path).absolutePath());
    image.save(path, format);
    return path;
}

void tst_Importer::writeBytes(const QString &name, const QByteArray &bytes)
{
    QFile file(m_dir->filePath(QStringLiteral("images/") + name));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

void tst_Importer::badFilesAreRecordedAndImportGoesOn_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("reason");

    QByteArray png;
    {
        QImage image(64, 64, QImage::Format_RGB32);
        image.fill(Qt::red);
        QBuffer buffer(&png);
        buffer.open(QIODevice::WriteOnly);
        image.save(&buffer, "PNG");
    }
    QTest::newRow("zero-byte file") << "empty.png" << QByteArray() << ImageStatus::Corrupt
                                    << "empty";
    QTest::newRow("text named .jpg") << "notes.jpg" << QByteArray("just some words\n")
                                     << ImageStatus::Unsupported << "not an image";
    QTest::newRow("truncated PNG") << "cut.png" << png.left(png.size() / 3)
                                   << ImageStatus::Corrupt << "damaged";
}

void tst_Importer::badFilesAreRecordedAndImportGoesOn()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, bytes);
    QFETCH(QString, status);
    QFETCH(QString, reason);

    writeImage(QStringLiteral("good.png"), Qt::blue);
    writeImage(QStringLiteral("caf\u00e9 \U0001F600/good2.jpg"), Qt::green, "JPEG");
    writeBytes(name, bytes);

    JobControl control;
    const auto report = importImages(*m_project, {m_dir->filePath(QStringLiteral("images"))},
                                     control);
    QVERIFY2(report, qPrintable(report.error()));
    QCOMPARE(report->filesSeen, 3);
    QCOMPARE(report->added, 2);
    QCOMPARE(report->skipped.size(), 1);
    QCOMPARE(report->skipped.first().status, status);
    QVERIFY2(report->skipped.first().reason.contains(reason),
             qPrintable(report->skipped.first().reason));

    QCOMPARE(m_project->imageCount(ImageStatus::Ok), 2);
    const auto bad = m_project->imageByPath(m_dir->filePath(QStringLiteral("images/") + name));
    QVERIFY(bad);
    QCOMPARE(bad->status, status);
    QVERIFY(m_project->thumbnail(bad->id).isEmpty());

    // The non-ASCII name was read, and its thumbnail and model input were cached.
    const auto good = m_project->imageByPath(
        m_dir->filePath(QStringLiteral("images/caf\u00e9 \U0001F600/good2.jpg")));
    QVERIFY(good);
    QCOMPARE(good->status, ImageStatus::Ok);
    QCOMPARE(good->width, 40);
    QCOMPARE(good->height, 30);
    QVERIFY(!QImage::fromData(m_project->thumbnail(good->id)).isNull());
    QCOMPARE(m_project->modelInput(good->id).size(), ModelInputBytes);
}

void tst_Importer::reimportIsIncremental()
{
    writeImage(QStringLiteral("a.png"), Qt::red);
    const QString changed = writeImage(QStringLiteral("b.png"), Qt::green);
    JobControl control;
    QVERIFY(importImages(*m_project, {m_dir->filePath(QStringLiteral("images"))}, control));

    QImage bigger(80, 60, QImage::Format_RGB32);
    bigger.fill(Qt::black);
    QVERIFY(bigger.save(changed));
    const auto again = importImages(*m_project, {m_dir->filePath(QStringLiteral("images"))},
                                    control);
    QVERIFY(again);
    QCOMPARE(again->unchanged, 1);
    QCOMPARE(again->updated, 1);
    QCOMPARE(again->added, 0);
    QCOMPARE(m_project->imageCount(), 2);
    QCOMPARE(m_project->imageByPath(changed)->width, 80);
}

void tst_Importer::duplicatesAreReported()
{
    const QString first = writeImage(QStringLiteral("one.png"), Qt::red);
    QVERIFY(QFile::copy(first, m_dir->filePath(QStringLiteral("images/two.png"))));
    JobControl control;
    const auto report = importImages(*m_project, {m_dir->filePath(QStringLiteral("images"))},
                                     control);
    QVERIFY(report);
    QCOMPARE(report->duplicates, 1);
    const auto one = m_project->imageByPath(first);
    const auto two = m_project->imageByPath(m_dir->filePath(QStringLiteral("images/two.png")));
    QCOMPARE(one->contentHash, two->contentHash);
}

void tst_Importer::transparencyBecomesWhiteForTheModel()
{
    writeImage(QStringLiteral("clear.png"), QColor(0, 0, 0, 0));
    JobControl control;
    QVERIFY(importImages(*m_project, {m_dir->filePath(QStringLiteral("images"))}, control));

    const qint64 id = m_project->imageIds().first();
    const QByteArray input = m_project->modelInput(id);
    QCOMPARE(input.size(), ModelInputBytes);
    QCOMPARE(uchar(input[0]), uchar(255));
    QCOMPARE(uchar(input[ModelInputBytes - 1]), uchar(255));
    // The thumbnail keeps its transparency.
    QCOMPARE(QImage::fromData(m_project->thumbnail(id)).pixelColor(0, 0).alpha(), 0);
}

void tst_Importer::symlinkLoopDoesNotHang()
{
    writeImage(QStringLiteral("a.png"), Qt::red);
    QVERIFY(QFile::link(m_dir->filePath(QStringLiteral("images")),
                        m_dir->filePath(QStringLiteral("images/loop"))));
    JobControl control;
    const auto report = importImages(*m_project, {m_dir->filePath(QStringLiteral("images"))},
                                     control);
    QVERIFY(report);
    QCOMPARE(m_project->imageCount(), 1);
}

void tst_Importer::deletedFilesBecomeMissing()
{
    const QString doomed = writeImage(QStringLiteral("doomed.png"), Qt::red);
    writeImage(QStringLiteral("stays.png"), Qt::blue);
    JobControl control;
    QVERIFY(importImages(*m_project, {m_dir->filePath(QStringLiteral("images"))}, control));
    QVERIFY(m_project->addLabel({m_project->imageByPath(doomed)->id}, QStringLiteral("kept"),
                                LabelSource::Human, {}));

    QVERIFY(QFile::remove(doomed));
    const auto report = importImages(*m_project, {m_dir->filePath(QStringLiteral("images"))},
                                     control);
    QVERIFY(report);
    QCOMPARE(report->missing, 1);
    QCOMPARE(report->unchanged, 1);
    const auto record = m_project->imageByPath(doomed);
    QCOMPARE(record->status, ImageStatus::Missing);
    QCOMPARE(m_project->imageCount(ImageStatus::Ok), 1);
    QCOMPARE(m_project->labelsOfImage(record->id), QStringList{QStringLiteral("kept")});
}

void tst_Importer::cancelStopsEarly()
{
    for (int i = 0; i < 300; ++i) {
        writeImage(QStringLiteral("many/%1.png").arg(i), QColor::fromHsv(i % 360, 200, 200));
    }
    JobControl control;
    control.cancel();
    const auto report = importImages(*m_project, {m_dir->filePath(QStringLiteral("images"))},
                                     control);
    QVERIFY(report);
    QVERIFY(report->canceled);
    QCOMPARE(m_project->imageCount(), 0);
}

QTEST_GUILESS_MAIN(tst_Importer)
#include "tst_importer.moc"
