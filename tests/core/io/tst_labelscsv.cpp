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

QTEST_GUILESS_MAIN(tst_LabelsCsv)
#include "tst_labelscsv.moc"
