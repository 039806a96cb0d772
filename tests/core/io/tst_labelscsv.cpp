#include "io/importer.h"
#include "io/labelscsv.h"
#include "store/project.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QTest>

using namespace likeness;

class tst_LabelsCsv : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseCsv_data();
    void parseCsv();
    void importByStemWithSeparator();
    void unknownColumnNamesTheColumns();
    void exportThenImportRoundTrips();
    void openMojiSubset();
    void exportNeverOverwritesTheProject();
    void badCsvIsRefusedWithoutChanges_data();
    void badCsvIsRefusedWithoutChanges();
    void ambiguousNamesLabelNothing();
};

void tst_LabelsCsv::parseCsv_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QVector<QStringList>>("rows");

    QTest::newRow("plain") << "a,b\n1,2\n"
                           << QVector<QStringList>{{"a", "b"}, {"1", "2"}};
    QTest::newRow("quoted comma and quote")
        << "x,\"a, \"\"b\"\"\"\n" << QVector<QStringList>{{"x", "a, \"b\""}};
    QTest::newRow("newline inside quotes, CRLF rows")
        << "\"two\nlines\",z\r\nq,\r\n"
        << QVector<QStringList>{{"two\nlines", "z"}, {"q", ""}};
    QTest::newRow("no final newline") << "a,b" << QVector<QStringList>{{"a", "b"}};
}

void tst_LabelsCsv::parseCsv()
{
    QFETCH(QString, text);
    QFETCH(QVector<QStringList>, rows);
    QCOMPARE(likeness::parseCsv(text), rows);
}

static std::unique_ptr<Project> projectWithImages(const QTemporaryDir &dir, int count)
{
    QDir(dir.path()).mkpath(QStringLiteral("images"));
    for (int i = 0; i < count; ++i) {
        QImage image(16, 16, QImage::Format_RGB32);
        image.fill(QColor::fromHsv(i * 40, 255, 255));
        image.save(dir.filePath(QStringLiteral("images/img%1.png").arg(i)));
    }
    auto project = Project::create(dir.filePath(QStringLiteral("p")));
    JobControl control;
    importImages(**project, {dir.filePath(QStringLiteral("images"))}, control);
    return std::move(*project);
}

static void writeText(const QString &path, const QString &text)
{
    QFile file(path);
    file.open(QIODevice::WriteOnly);
    file.write(text.toUtf8());
}

void tst_LabelsCsv::importByStemWithSeparator()
{
    QTemporaryDir dir;
    auto project = projectWithImages(dir, 3);
    writeText(dir.filePath(QStringLiteral("labels.csv")),
              QStringLiteral("name,tags\nimg0,red; warm \nimg1,\"blue;cold\"\nmissing,x\n"));

    LabelCsvOptions options{QStringLiteral("name"), QStringLiteral("tags"), QStringLiteral(";")};
    const auto report = importLabelsCsv(*project, dir.filePath(QStringLiteral("labels.csv")),
                                        options);
    QVERIFY2(report, qPrintable(report.error()));
    QCOMPARE(report->rows, 3);
    QCOMPARE(report->matchedImages, 2);
    QCOMPARE(report->assignments, 4);
    QCOMPARE(report->unmatchedCount, 1);
    QCOMPARE(report->unmatched, QStringList{QStringLiteral("missing")});

    const auto img0 = project->imageByPath(dir.filePath(QStringLiteral("images/img0.png")));
    QCOMPARE(project->labelsOfImage(img0->id),
             (QStringList{QStringLiteral("red"), QStringLiteral("warm")}));
}

void tst_LabelsCsv::unknownColumnNamesTheColumns()
{
    QTemporaryDir dir;
    auto project = projectWithImages(dir, 1);
    writeText(dir.filePath(QStringLiteral("labels.csv")), QStringLiteral("file,tags\nimg0,a\n"));

    LabelCsvOptions options{QStringLiteral("image"), QStringLiteral("tags"), QStringLiteral(",")};
    const auto report = importLabelsCsv(*project, dir.filePath(QStringLiteral("labels.csv")),
                                        options);
    QVERIFY(!report);
    QVERIFY2(report.error().contains(QStringLiteral("file, tags")), qPrintable(report.error()));
    QCOMPARE(project->labelAssignmentCount(), 0);
}

void tst_LabelsCsv::exportThenImportRoundTrips()
{
    QTemporaryDir dir;
    auto project = projectWithImages(dir, 2);
    const QVector<qint64> ids = project->imageIds();
    const QStringList awkward = {QStringLiteral("say \"hi\""), QStringLiteral("#tag: x;y"),
                                 QStringLiteral("caf\u00e9 \U0001F600"),
                                 QStringLiteral("two\nlines")};
    for (const QString &name : awkward) {
        QVERIFY(project->addLabel({ids[0]}, name, LabelSource::Human, {}));
    }
    QVERIFY(project->addLabel({ids[1]}, QStringLiteral("plain"), LabelSource::Human, {}));

    const QString csv = dir.filePath(QStringLiteral("out.csv"));
    QVERIFY(exportLabelsCsv(*project, csv));
    for (const QString &name : awkward) {
        QVERIFY(project->removeLabel({ids[0]}, name));
    }
    QVERIFY(project->removeLabel({ids[1]}, QStringLiteral("plain")));
    QCOMPARE(project->labelAssignmentCount(), 0);

    LabelCsvOptions options{QStringLiteral("image"), QStringLiteral("labels"),
                            QStringLiteral(",")};
    QVERIFY(importLabelsCsv(*project, csv, options));
    QCOMPARE(project->labelsOfImage(ids[1]), QStringList{QStringLiteral("plain")});
    QStringList sorted = awkward;
    sorted.sort();
    QCOMPARE(project->labelsOfImage(ids[0]), sorted);
}

void tst_LabelsCsv::openMojiSubset()
{
    const QString data = QStringLiteral(LIKENESS_TEST_DATA "/openmoji");
    QTemporaryDir dir;
    auto project = Project::create(dir.path());
    JobControl control;
    const auto imported = importImages(**project, {data + QStringLiteral("/images")}, control);
    QVERIFY(imported);
    QCOMPARE(imported->added, 300);
    QVERIFY(imported->skipped.isEmpty());

    LabelCsvOptions options{QStringLiteral("hexcode"), QStringLiteral("tags"),
                            QStringLiteral(",")};
    const auto report = importLabelsCsv(**project, data + QStringLiteral("/openmoji.csv"),
                                        options);
    QVERIFY2(report, qPrintable(report.error()));
    QCOMPARE(report->rows, 300);
    QCOMPARE(report->unmatchedCount, 0);
    QVERIFY(report->labels > 400);

    // 1F600 is "grinning face": its tags include "face" and "smile".
    const auto grin = (*project)->imageByPath(data + QStringLiteral("/images/1F600.png"));
    QVERIFY(grin);
    const QStringList tags = (*project)->labelsOfImage(grin->id);
    QVERIFY(tags.contains(QStringLiteral("face")));
    QVERIFY(tags.contains(QStringLiteral("smile")));
}

// Exporting onto the project's database once replaced it with CSV text.
void tst_LabelsCsv::exportNeverOverwritesTheProject()
{
    QTemporaryDir dir;
    auto project = projectWithImages(dir, 1);
    QVERIFY(project->addLabel(project->imageIds(), QStringLiteral("kept"), LabelSource::Human, {}));

    for (const QString &file : {QStringLiteral("project.sqlite"),
                                QStringLiteral("project.sqlite-wal"),
                                QStringLiteral("thumbs.sqlite")}) {
        const Status status = exportLabelsCsv(*project, project->filePath(file), true);
        QVERIFY(!status);
        QVERIFY2(status.error().contains(QStringLiteral("own database")),
                 qPrintable(status.error()));
    }

    // Links lead nowhere else: one to the database itself, one to the project's folder.
    const QString links = dir.filePath(QStringLiteral("links"));
    QVERIFY(QDir().mkpath(links));
    const QString fileLink = QDir(links).filePath(QStringLiteral("labels.csv"));
    QVERIFY(QFile::link(project->filePath(QStringLiteral("project.sqlite")), fileLink));
    const QString folderLink = QDir(links).filePath(QStringLiteral("folder"));
    QVERIFY(QFile::link(project->folder(), folderLink));
    for (const QString &path : {fileLink, folderLink + QStringLiteral("/project.sqlite")}) {
        const Status status = exportLabelsCsv(*project, path, true);
        QVERIFY2(!status, qPrintable(path));
        QVERIFY2(status.error().contains(QStringLiteral("own database")),
                 qPrintable(status.error()));
    }

    const QString existing = dir.filePath(QStringLiteral("existing.csv"));
    writeText(existing, QStringLiteral("precious"));
    const Status refused = exportLabelsCsv(*project, existing);
    QVERIFY(!refused);
    QVERIFY(refused.error().contains(QStringLiteral("--overwrite")));
    QVERIFY(exportLabelsCsv(*project, existing, true));
    QVERIFY(project->labelAssignmentCount() == 1);
    auto reopened = Project::open(project->folder());
    QVERIFY2(reopened, qPrintable(reopened.error()));
}

void tst_LabelsCsv::badCsvIsRefusedWithoutChanges_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("message");

    QTest::newRow("Latin-1 text") << QByteArray("name,tags\nimg0,caf\xe9\n") << "not UTF-8";
    QTest::newRow("unclosed quote")
        << QByteArray("name,tags\nimg0,\"red\nimg1,blue\n") << "never closed";
    QTest::newRow("empty file") << QByteArray() << "empty";
}

void tst_LabelsCsv::badCsvIsRefusedWithoutChanges()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, message);

    QTemporaryDir dir;
    auto project = projectWithImages(dir, 2);
    QVERIFY(project->addLabel(project->imageIds(), QStringLiteral("kept"), LabelSource::Human,
                              {}));
    QFile file(dir.filePath(QStringLiteral("bad.csv")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
    file.close();

    LabelCsvOptions options{QStringLiteral("name"), QStringLiteral("tags"), QStringLiteral(",")};
    const auto report = importLabelsCsv(*project, file.fileName(), options);
    QVERIFY(!report);
    QVERIFY2(report.error().contains(message), qPrintable(report.error()));
    QCOMPARE(project->labelAssignmentCount(), 2);
}

// Two folders with a file of the same name: the bare name labels neither.
void tst_LabelsCsv::ambiguousNamesLabelNothing()
{
    QTemporaryDir dir;
    for (const QString &folder : {QStringLiteral("x1"), QStringLiteral("x2")}) {
        QDir(dir.path()).mkpath(folder);
        QImage image(8, 8, QImage::Format_RGB32);
        image.fill(folder == QStringLiteral("x1") ? Qt::red : Qt::blue);
        QVERIFY(image.save(dir.filePath(folder + QStringLiteral("/a.png"))));
    }
    auto project = Project::create(dir.filePath(QStringLiteral("p")));
    JobControl control;
    QVERIFY(importImages(**project, {dir.filePath(QStringLiteral("x1")),
                                     dir.filePath(QStringLiteral("x2"))}, control));
    writeText(dir.filePath(QStringLiteral("l.csv")),
              QStringLiteral("name,tags\na.png,red\nx1/a.png,warm\n"));

    LabelCsvOptions options{QStringLiteral("name"), QStringLiteral("tags"), QStringLiteral(",")};
    const auto report = importLabelsCsv(**project, dir.filePath(QStringLiteral("l.csv")), options);
    QVERIFY2(report, qPrintable(report.error()));
    QCOMPARE(report->ambiguousCount, 1);
    QCOMPARE(report->ambiguous, QStringList{QStringLiteral("a.png")});
    QCOMPARE(report->matchedImages, 1);
    const auto first = (*project)->imageByPath(dir.filePath(QStringLiteral("x1/a.png")));
    QCOMPARE((*project)->labelsOfImage(first->id), QStringList{QStringLiteral("warm")});
}

QTEST_GUILESS_MAIN(tst_LabelsCsv)
#include "tst_labelscsv.moc"
