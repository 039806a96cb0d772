#include "clirun.h"
#include "imaging/decoder.h"
#include "io/importer.h"
#include "io/labelscsv.h"
#include "store/project.h"
#include "testimages.h"

#include <QBuffer>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <unistd.h>

#include <sys/stat.h>

using namespace likeness;

class tst_Importer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nonUtf8NameIsReportedNotIgnored();
    void init();
    void badFilesAreRecordedAndImportGoesOn_data();
    void badFilesAreRecordedAndImportGoesOn();
    void reimportIsIncremental();
    void duplicatesAreReported();
    void transparencyBecomesWhiteForTheModel();
    void symlinkLoopDoesNotHang();
    void deletedFilesBecomeMissing();
    void cancelStopsEarly();
    void gifNamedPngIsReadFromItsBytes();
    void rotatedJpegIsStoredUpright();
    void oddFilesInAFolderAreReported();
    void unreadableFileIsReported();
    void linkedFileIsADuplicate();
    void movedFileIsFoundByContent();
    void fileDamagedAfterImportIsRecordedAsCorrupt();
    void badFilesAreReadAgainSoANewLimitApplies();
    void imageWithoutThumbnailIsReadAgain();
    void pixelLimitIsAnOption();
    void reportIsSavedAsCsv();
    void progressTextShowsRateAndTimeLeft();
    void killedImportResumesWithoutRedoingFinishedFiles();

private:
    QString writeImage(const QString &name, const QColor &colour, const char *format = "PNG");
    CliRun runCliImport(const QStringList &options);
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

// Runs likeness-cli import on this test's project and images folder.
CliRun tst_Importer::runCliImport(const QStringList &options)
{
    m_project.reset(); // the CLI takes the project's lock
    return runCli(QStringList{QStringLiteral("import"), m_dir->filePath(QStringLiteral("project")),
                              m_dir->filePath(QStringLiteral("images"))}
                  + options);
}

void tst_Importer::writeBytes(const QString &name, const QByteArray &bytes)
{
    QFile file(m_dir->filePath(QStringLiteral("images/") + name));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

// A name in another encoding cannot be opened through Qt; it must be reported, not dropped.
void tst_Importer::nonUtf8NameIsReportedNotIgnored()
{
    writeImage(QStringLiteral("fine.png"), Qt::red);
    const QByteArray latin1 =
        QFile::encodeName(m_dir->filePath(QStringLiteral("images"))) + "/caf\xe9.png";
    const int fd = ::open(latin1.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    QVERIFY(fd >= 0);
    ::close(fd);

    JobControl control;
    const auto report = importImages(*m_project, {m_dir->filePath(QStringLiteral("images"))},
                                     control);
    QVERIFY(report);
    QCOMPARE(report->added, 1);
    QCOMPARE(report->skipped.size(), 1);
    QVERIFY2(report->skipped.first().reason.contains(QStringLiteral("not valid UTF-8")),
             qPrintable(report->skipped.first().reason));
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

void tst_Importer::gifNamedPngIsReadFromItsBytes()
{
    writeBytes(QStringLiteral("really-a-gif.png"), testimages::gif(40, 30, {{Qt::red}}));
    JobControl control;
    const auto report = importImages(*m_project, {m_dir->filePath(QStringLiteral("images"))},
                                     control);
    QVERIFY2(report, qPrintable(report.error()));
    QCOMPARE(report->added, 1);
    QVERIFY(report->skipped.isEmpty());
    const auto record = m_project->imageByPath(
        m_dir->filePath(QStringLiteral("images/really-a-gif.png")));
    QCOMPARE(record->width, 40);
    QVERIFY(!m_project->thumbnail(record->id).isEmpty());
}

void tst_Importer::rotatedJpegIsStoredUpright()
{
    // Stored 60 wide and 80 high, shown turned a quarter clockwise (EXIF orientation 6).
    const QByteArray stored = testimages::encoded(testimages::filled(60, 80, Qt::red), "JPEG");
    writeBytes(QStringLiteral("turned.jpg"), testimages::withOrientation(stored, 6, true));
    JobControl control;
    QVERIFY(importImages(*m_project, {m_dir->filePath(QStringLiteral("images"))}, control));
    const auto record = m_project->imageByPath(
        m_dir->filePath(QStringLiteral("images/turned.jpg")));
    QCOMPARE(record->width, 80);
    QCOMPARE(record->height, 60);
    QCOMPARE(QImage::fromData(m_project->thumbnail(record->id)).size(), QSize(80, 60));
}

// A pipe and a dangling link with image names are reported (opening the pipe would hang the
// import); a folder whose name ends in .jpg is walked like any folder.
void tst_Importer::oddFilesInAFolderAreReported()
{
    writeImage(QStringLiteral("good.png"), Qt::blue);
    writeImage(QStringLiteral("folder.jpg/inside.png"), Qt::red);
    const QString pipe = m_dir->filePath(QStringLiteral("images/pipe.jpg"));
    QCOMPARE(mkfifo(QFile::encodeName(pipe).constData(), 0600), 0);
    const QString dangling = m_dir->filePath(QStringLiteral("images/gone.png"));
    QVERIFY(QFile::link(m_dir->filePath(QStringLiteral("nowhere.png")), dangling));

    JobControl control;
    const auto report = importImages(*m_project, {m_dir->filePath(QStringLiteral("images"))},
                                     control);
    QVERIFY2(report, qPrintable(report.error()));
    QCOMPARE(report->added, 2);
    QCOMPARE(report->skipped.size(), 2);
    const auto byStatus = report->skippedByStatus();
    QCOMPARE(byStatus.value(ImageStatus::Unsupported), 1);
    QCOMPARE(byStatus.value(ImageStatus::Missing), 1);
    for (const SkippedFile &file : report->skipped) {
        if (file.path == pipe) {
            QVERIFY2(file.reason.contains(QStringLiteral("not a regular file")),
                     qPrintable(file.reason));
        } else {
            QCOMPARE(file.path, dangling);
            QVERIFY2(file.reason.contains(QStringLiteral("symbolic link")),
                     qPrintable(file.reason));
        }
    }
    QCOMPARE(m_project->imageByPath(pipe)->status, ImageStatus::Unsupported);
}

// A process with the right to read everything (root, as in CI containers) reads a file
// whatever its permission bits say; then the file must simply be imported. Otherwise the
// import reports why it could not read it. (Files it cannot open for other reasons are
// covered by oddFilesInAFolderAreReported.)
void tst_Importer::unreadableFileIsReported()
{
    const QString path = writeImage(QStringLiteral("locked.png"), Qt::red);
    writeImage(QStringLiteral("open.png"), Qt::blue);
    QVERIFY(QFile::setPermissions(path, QFileDevice::Permissions()));
    QFile probe(path);
    const bool privileged = probe.open(QIODevice::ReadOnly);
    probe.close();

    JobControl control;
    const auto report = importImages(*m_project, {m_dir->filePath(QStringLiteral("images"))},
                                     control);
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QVERIFY2(report, qPrintable(report.error()));
    if (privileged) {
        QCOMPARE(report->added, 2);
        QCOMPARE(m_project->imageByPath(path)->status, ImageStatus::Ok);
        return;
    }
    QCOMPARE(report->added, 1);
    QCOMPARE(report->skipped.size(), 1);
    QCOMPARE(report->skipped.first().path, path);
    QVERIFY2(report->skipped.first().reason.contains(QStringLiteral("cannot read the file")),
             qPrintable(report->skipped.first().reason));
    QCOMPARE(m_project->imageByPath(path)->status, ImageStatus::Corrupt);
}

void tst_Importer::linkedFileIsADuplicate()
{
    const QString target = writeImage(QStringLiteral("original.png"), Qt::red);
    const QString link = m_dir->filePath(QStringLiteral("images/link.png"));
    QVERIFY(QFile::link(target, link));
    JobControl control;
    const auto report = importImages(*m_project, {m_dir->filePath(QStringLiteral("images"))},
                                     control);
    QVERIFY2(report, qPrintable(report.error()));
    QCOMPARE(report->added, 2);
    QCOMPARE(report->duplicates, 1);
    QCOMPARE(report->duplicateFiles.size(), 1);
    QCOMPARE(report->duplicateFiles.first().path, target); // "link.png" sorts first
    QVERIFY(report->duplicateFiles.first().reason.contains(link));
    QCOMPARE(m_project->imageByPath(link)->contentHash,
             m_project->imageByPath(target)->contentHash);
}

void tst_Importer::movedFileIsFoundByContent()
{
    const QString before = writeImage(QStringLiteral("a/moving.png"), Qt::red);
    writeImage(QStringLiteral("a/staying.png"), Qt::blue);
    JobControl control;
    QVERIFY(importImages(*m_project, {m_dir->filePath(QStringLiteral("images"))}, control));
    const qint64 id = m_project->imageByPath(before)->id;
    QVERIFY(m_project->addLabel({id}, QStringLiteral("kept"), LabelSource::Human, {}));

    const QString after = m_dir->filePath(QStringLiteral("images/b/moved.png"));
    QVERIFY(QDir().mkpath(QFileInfo(after).absolutePath()));
    QVERIFY(QFile::rename(before, after));
    const auto report = importImages(*m_project, {m_dir->filePath(QStringLiteral("images"))},
                                     control);
    QVERIFY2(report, qPrintable(report.error()));
    QCOMPARE(report->moved, 1);
    QCOMPARE(report->added, 0);
    QCOMPARE(report->missing, 0);
    QCOMPARE(report->duplicates, 0);
    QCOMPARE(report->unchanged, 1);
    QCOMPARE(m_project->imageCount(), 2);
    const auto moved = m_project->imageByPath(after);
    QVERIFY(moved);
    QCOMPARE(moved->id, id);
    QCOMPARE(moved->status, ImageStatus::Ok);
    QVERIFY(!m_project->imageByPath(before));
    QCOMPARE(m_project->labelsOfImage(id), QStringList{QStringLiteral("kept")});
    QVERIFY(report->movedFiles.first().reason.contains(before));
}

void tst_Importer::fileDamagedAfterImportIsRecordedAsCorrupt()
{
    const QString path = writeImage(QStringLiteral("soon-damaged.jpg"), Qt::red, "JPEG");
    JobControl control;
    QVERIFY(importImages(*m_project, {m_dir->filePath(QStringLiteral("images"))}, control));

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    file.close();
    writeBytes(QStringLiteral("soon-damaged.jpg"), bytes.left(bytes.size() / 2));
    const auto report = importImages(*m_project, {m_dir->filePath(QStringLiteral("images"))},
                                     control);
    QVERIFY2(report, qPrintable(report.error()));
    QCOMPARE(report->skipped.size(), 1);
    QCOMPARE(report->skipped.first().status, ImageStatus::Corrupt);
    const auto record = m_project->imageByPath(path);
    QCOMPARE(record->status, ImageStatus::Corrupt);
    QCOMPARE(m_project->imageCount(ImageStatus::Ok), 0);
}

// Files that could not be used are read again by every import: a pixel limit raised since
// (or a decoder that learned their format) lets them in, and the summary still adds up.
void tst_Importer::badFilesAreReadAgainSoANewLimitApplies()
{
    const QString fine = writeImage(QStringLiteral("fine.png"), Qt::red);
    writeBytes(QStringLiteral("broken.png"), "not a png at all");
    JobControl control;
    ImportOptions tight;
    tight.maxPixels = 4;
    const auto first = importImages(*m_project, {m_dir->filePath(QStringLiteral("images"))},
                                    control, tight);
    QVERIFY(first);
    QCOMPARE(first->skipped.size(), 2);
    QCOMPARE(m_project->imageByPath(fine)->status, ImageStatus::Unsupported);

    const auto again = importImages(*m_project, {m_dir->filePath(QStringLiteral("images"))},
                                    control);
    QVERIFY(again);
    QCOMPARE(m_project->imageByPath(fine)->status, ImageStatus::Ok);
    QCOMPARE(again->skipped.size(), 1);
    QCOMPARE(again->skipped.first().status, ImageStatus::Unsupported);
    QCOMPARE(again->unchanged, 0);
    QCOMPARE(again->added + again->updated + again->unchanged + qint64(again->skipped.size()),
             again->filesSeen);

    // An image that can no longer be read keeps no thumbnail of what it was.
    const qint64 id = m_project->imageByPath(fine)->id;
    QVERIFY(!m_project->thumbnail(id).isEmpty());
    QFile damaged(fine);
    QVERIFY(damaged.resize(20));
    QFile(fine).setFileTime(QDateTime::currentDateTime().addSecs(60),
                            QFileDevice::FileModificationTime);
    QVERIFY(importImages(*m_project, {m_dir->filePath(QStringLiteral("images"))}, control));
    QVERIFY(m_project->image(id)->status != ImageStatus::Ok);
    QVERIFY(m_project->thumbnail(id).isEmpty());
    QVERIFY(m_project->staleThumbnails().isEmpty());
}

// An import killed after recording images but before caching their thumbnails leaves ok
// images without thumbnails: the next import reads them again.
void tst_Importer::imageWithoutThumbnailIsReadAgain()
{
    const QString path = writeImage(QStringLiteral("a.png"), Qt::red);
    writeImage(QStringLiteral("b.png"), Qt::blue);
    JobControl control;
    QVERIFY(importImages(*m_project, {m_dir->filePath(QStringLiteral("images"))}, control));
    const qint64 id = m_project->imageByPath(path)->id;
    QSqlQuery remove(m_project->cacheDatabase());
    QVERIFY(remove.exec(QStringLiteral("DELETE FROM thumbnails WHERE image_id = %1").arg(id)));
    QVERIFY(m_project->thumbnail(id).isEmpty());

    const auto report = importImages(*m_project, {m_dir->filePath(QStringLiteral("images"))},
                                     control);
    QVERIFY(report);
    QCOMPARE(report->unchanged, 1);
    QCOMPARE(report->updated, 1);
    QVERIFY(!m_project->thumbnail(id).isEmpty());
}

void tst_Importer::pixelLimitIsAnOption()
{
    writeImage(QStringLiteral("small.png"), Qt::red); // 40 × 30
    JobControl control;
    ImportOptions options;
    options.maxPixels = 1000;
    options.threads = 1;
    const auto report = importImages(*m_project, {m_dir->filePath(QStringLiteral("images"))},
                                     control, options);
    QVERIFY(report);
    QCOMPARE(report->skipped.size(), 1);
    QCOMPARE(report->skipped.first().status, ImageStatus::Unsupported);
    QVERIFY2(report->skipped.first().reason.contains(QStringLiteral("limit of 1000")),
             qPrintable(report->skipped.first().reason));
}

void tst_Importer::reportIsSavedAsCsv()
{
    writeImage(QStringLiteral("good.png"), Qt::red);
    writeImage(QStringLiteral("copy, \"quoted\".png"), Qt::red);
    writeBytes(QStringLiteral("leer \U0001F600.jpg"), {});
    const QString csv = m_dir->filePath(QStringLiteral("report.csv"));
    const CliRun run = runCliImport({QStringLiteral("--report"), csv});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.out.contains(QStringLiteral("skipped as corrupt: 1")), qPrintable(run.out));

    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QVector<QStringList> rows = parseCsv(QString::fromUtf8(file.readAll()));
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows[0], (QStringList{"path", "status", "reason"}));
    QCOMPARE(rows[1][0], m_dir->filePath(QStringLiteral("images/leer \U0001F600.jpg")));
    QCOMPARE(rows[1][1], ImageStatus::Corrupt);
    QVERIFY(rows[1][2].contains(QStringLiteral("empty")));
    QCOMPARE(rows[2][1], QStringLiteral("duplicate"));
    QVERIFY(rows[2][0].endsWith(QStringLiteral("good.png"))
            || rows[2][0].endsWith(QStringLiteral("copy, \"quoted\".png")));
}

void tst_Importer::progressTextShowsRateAndTimeLeft()
{
    QCOMPARE(importProgressText(0, 100, 0), QStringLiteral("Importing images"));
    QCOMPARE(importProgressText(200, 1400, 2000),
             QStringLiteral("Importing images, 100 files/s, about 12 s left"));
    QCOMPARE(importProgressText(5, 1205, 1000),
             QStringLiteral("Importing images, 5.0 files/s, about 4 min left"));
    QCOMPARE(importProgressText(100, 1000100, 1000),
             QStringLiteral("Importing images, 100 files/s, about 2.8 h left"));
}

// The real likeness-cli is killed (SIGKILL) once it has reported progress; running the same
// command again finishes the import without reading the files it had finished.
void tst_Importer::killedImportResumesWithoutRedoingFinishedFiles()
{
    constexpr int Files = 1000;
    for (int i = 0; i < Files; ++i) {
        writeBytes(QStringLiteral("%1.png").arg(i, 4, 10, QLatin1Char('0')),
                   testimages::encoded(testimages::noise(128, 128, quint32(i)), "PNG"));
    }
    m_project.reset(); // the CLI takes the project's lock

    QProcess import;
    import.setReadChannel(QProcess::StandardError);
    import.start(QStringLiteral(LIKENESS_CLI),
                 {QStringLiteral("import"), m_dir->filePath(QStringLiteral("project")),
                  m_dir->filePath(QStringLiteral("images")), QStringLiteral("--threads"),
                  QStringLiteral("1")});
    QVERIFY(import.waitForStarted());
    const QRegularExpression partly(QStringLiteral(": [1-9][0-9]?%"));
    QByteArray progress;
    while (!partly.match(QString::fromUtf8(progress)).hasMatch()
           && import.state() == QProcess::Running) {
        import.waitForReadyRead(1000);
        progress += import.readAllStandardError();
    }
    import.kill();
    import.waitForFinished();
    QVERIFY2(import.exitStatus() == QProcess::CrashExit, progress.constData());

    const CliRun again = runCliImport({QStringLiteral("--threads"), QStringLiteral("1")});
    QVERIFY2(again.exitCode == 0, qPrintable(again.err));
    auto count = [&](const char *name) {
        const auto match = QRegularExpression(QStringLiteral("%1: (\\d+)").arg(name))
                               .match(again.out);
        return match.hasMatch() ? match.captured(1).toInt() : -1;
    };
    // At least the batches counted in the progress it printed were not read again.
    QVERIFY2(count("unchanged") >= Files / 10, qPrintable(again.out));
    QVERIFY2(count("unchanged") < Files, qPrintable(again.out));
    QCOMPARE(count("unchanged") + count("added") + count("updated"), Files);
    QCOMPARE(count("duplicates"), 0);

    auto project = Project::open(m_dir->filePath(QStringLiteral("project")));
    QVERIFY2(project, qPrintable(project.error()));
    QCOMPARE((*project)->imageCount(ImageStatus::Ok), Files);
    QSqlQuery cached((*project)->cacheDatabase());
    QVERIFY(cached.exec(QStringLiteral("SELECT count(*) FROM thumbnails")) && cached.next());
    QCOMPARE(cached.value(0).toInt(), Files);
}

QTEST_GUILESS_MAIN(tst_Importer)
#include "tst_importer.moc"
