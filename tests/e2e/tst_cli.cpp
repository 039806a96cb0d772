#include "clirun.h"
#include "io/demo.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

// Drives the real likeness-cli binary, as a user or a script would.
class tst_Cli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void openMojiImportLabelsAndNeighbours();
    void trainMultiLabelOnOpenMoji();
    void selectionSortFileAndIndexInfo();
    void compareTwoVersions();
    void labelsExportRoundTrips();
    void errorsSayWhatToDo_data();
    void errorsSayWhatToDo();
    void fashionMnistDemo();

private:
    using Run = CliRun;
    static Run cli(const QStringList &arguments) { return runCli(arguments); }
    static QJsonDocument json(const QStringList &arguments);

    QTemporaryDir m_dir;
    QString m_project;
    QString m_data = QStringLiteral(LIKENESS_TEST_DATA "/openmoji");
};

QJsonDocument tst_Cli::json(const QStringList &arguments)
{
    const Run run = cli(arguments);
    if (run.exitCode != 0) {
        qWarning() << arguments << run.err;
    }
    return QJsonDocument::fromJson(run.out.toUtf8());
}

void tst_Cli::initTestCase()
{
    m_project = m_dir.filePath(QStringLiteral("moji"));
    const Run init = cli({QStringLiteral("init"), m_project});
    QCOMPARE(init.exitCode, 0);

    const Run import = cli({QStringLiteral("import"), m_project, m_data + "/images"});
    QVERIFY2(import.exitCode == 0, import.err.toUtf8().constData());
    QVERIFY(import.out.contains("added: 300"));

    const Run labels = cli({QStringLiteral("labels"), QStringLiteral("import"), m_project,
                            m_data + "/openmoji.csv", QStringLiteral("--image-column"),
                            QStringLiteral("hexcode"), QStringLiteral("--labels-column"),
                            QStringLiteral("tags")});
    QVERIFY2(labels.exitCode == 0, labels.err.toUtf8().constData());
    QVERIFY2(labels.out.contains("images matched (their labels replaced): 300"),
             labels.out.toUtf8().constData());
}

void tst_Cli::openMojiImportLabelsAndNeighbours()
{
    const QJsonObject info = json({QStringLiteral("info"), m_project, QStringLiteral("--json")})
                                 .object();
    QCOMPARE(info[QStringLiteral("images")].toInt(), 300);
    QVERIFY(info[QStringLiteral("labels")].toInt() > 400);
    QCOMPARE(info[QStringLiteral("labels_in_use")].toInt(), info[QStringLiteral("labels")].toInt());
    QVERIFY(info[QStringLiteral("label_assignments")].toInt() > 500);
    QCOMPARE(info[QStringLiteral("judgments")].toInt(), 0);
    QCOMPARE(info[QStringLiteral("current_model")].toInt(), 0);

    const QString grin = m_data + "/images/1F600.png";
    const QJsonArray neighbours = json({QStringLiteral("knn"), m_project, grin,
                                        QStringLiteral("-k"), QStringLiteral("5"),
                                        QStringLiteral("--json")})
                                      .array();
    QCOMPARE(neighbours.size(), 5);
    double previous = 1.0;
    for (const QJsonValue &value : neighbours) {
        const QJsonObject neighbour = value.toObject();
        QVERIFY(neighbour.contains(QStringLiteral("id")));
        QVERIFY(QFileInfo::exists(neighbour[QStringLiteral("path")].toString()));
        QVERIFY(neighbour[QStringLiteral("path")].toString() != grin);
        const double similarity = neighbour[QStringLiteral("similarity")].toDouble();
        QVERIFY(similarity <= previous && similarity >= -1.0);
        previous = similarity;
    }
    // Yellow round faces look alike even to the classic descriptor: the nearest neighbours
    // of the grinning face include another face.
    bool face = false;
    for (const QJsonValue &value : neighbours) {
        face = face || value.toObject()[QStringLiteral("labels")].toArray().contains(
                           QStringLiteral("face"));
    }
    QVERIFY(face);

    // An image id works as well as a path, and k larger than the project is capped.
    const int id = neighbours.first().toObject()[QStringLiteral("id")].toInt();
    const QJsonArray all = json({QStringLiteral("knn"), m_project, QString::number(id),
                                 QStringLiteral("-k"), QStringLiteral("1000"),
                                 QStringLiteral("--json")})
                               .array();
    QCOMPARE(all.size(), 299);

    const QJsonObject metrics = json({QStringLiteral("eval"), m_project, QStringLiteral("--json")})
                                    .object();
    QVERIFY(metrics[QStringLiteral("knn_accuracy")].isDouble());
    QVERIFY(metrics[QStringLiteral("map_at_r")].isDouble());
    QVERIFY(metrics[QStringLiteral("triplet_agreement")].isNull());
}

void tst_Cli::trainMultiLabelOnOpenMoji()
{
    const Run train = cli({QStringLiteral("train"), m_project, QStringLiteral("--epochs"),
                           QStringLiteral("2"), QStringLiteral("--device"), QStringLiteral("cpu"),
                           QStringLiteral("--live-even-if-worse")});
    QVERIFY2(train.exitCode == 0, train.err.toUtf8().constData());
    QVERIFY2(train.out.contains("multi-label"), train.out.toUtf8().constData());
    QVERIFY2(train.out.contains("Version 1 is now current"), train.out.toUtf8().constData());

    const QJsonObject info = json({QStringLiteral("info"), m_project, QStringLiteral("--json")})
                                 .object();
    QCOMPARE(info[QStringLiteral("current_model")].toInt(), 1);
    // The classic version's scores, measured against the new one, are kept with it.
    const QJsonObject classic =
        info[QStringLiteral("model_versions")].toArray().first().toObject();
    QCOMPARE(classic[QStringLiteral("version")].toInt(), 0);
    QVERIFY(classic[QStringLiteral("metrics")].toObject().contains(QStringLiteral("map_at_r")));
    const QJsonArray knn = json({QStringLiteral("knn"), m_project, QStringLiteral("1"),
                                 QStringLiteral("--json")})
                               .array();
    QCOMPARE(knn.size(), 10);
}

// Runs after training: version 1 is current.
void tst_Cli::selectionSortFileAndIndexInfo()
{
    const QString grin = m_data + "/images/1F600.png";
    const QString smile = m_data + "/images/1F61E.png";
    const QJsonArray mean = json({QStringLiteral("knn"), m_project, grin, smile,
                                  QStringLiteral("-k"), QStringLiteral("4"),
                                  QStringLiteral("--json")})
                                .array();
    QCOMPARE(mean.size(), 4);
    for (const QJsonValue &value : mean) {
        const QString path = value.toObject()[QStringLiteral("path")].toString();
        QVERIFY(path != grin && path != smile);
        QVERIFY(value.toObject()[QStringLiteral("judged_with_query")].isBool());
    }

    // A picture outside the project: a copy of the grinning face finds the original first.
    const QString outside = m_dir.filePath(QStringLiteral("outside.png"));
    QVERIFY(QFile::copy(grin, outside));
    const QJsonArray byFile = json({QStringLiteral("knn"), m_project, QStringLiteral("--file"),
                                    outside, QStringLiteral("-k"), QStringLiteral("3"),
                                    QStringLiteral("--json")})
                                  .array();
    QCOMPARE(byFile.size(), 3);
    QCOMPARE(byFile.first().toObject()[QStringLiteral("path")].toString(), grin);

    // Sorting by similarity pages through every image, the query first.
    const QJsonArray first = json({QStringLiteral("sort"), m_project, grin,
                                   QStringLiteral("--limit"), QStringLiteral("5"),
                                   QStringLiteral("--json")})
                                 .array();
    QCOMPARE(first.size(), 5);
    QCOMPARE(first.first().toObject()[QStringLiteral("path")].toString(), grin);
    const QJsonArray last = json({QStringLiteral("sort"), m_project, grin,
                                  QStringLiteral("--offset"), QStringLiteral("295"),
                                  QStringLiteral("--json")})
                                .array();
    QCOMPARE(last.size(), 5);

    const QJsonObject info = json({QStringLiteral("info"), m_project, QStringLiteral("--json")})
                                 .object();
    const QJsonObject index = info[QStringLiteral("model_versions")].toArray()[1].toObject()
                                  [QStringLiteral("index")].toObject();
    QCOMPARE(index[QStringLiteral("kind")].toString(), QStringLiteral("exact"));
    QCOMPARE(index[QStringLiteral("size")].toInt(), 300);
    QCOMPARE(index[QStringLiteral("recall_at_10")].toDouble(), 1.0);
    const Run text = cli({QStringLiteral("info"), m_project});
    QVERIFY2(text.out.contains("exact index of 300 vectors"), text.out.toUtf8().constData());
}

void tst_Cli::compareTwoVersions()
{
    const QJsonObject change = json({QStringLiteral("compare"), m_project,
                                     QStringLiteral("--versions"), QStringLiteral("0"),
                                     QStringLiteral("1"), QStringLiteral("--sample"),
                                     QStringLiteral("50"), QStringLiteral("--json")})
                                   .object();
    QCOMPARE(change[QStringLiteral("images")].toInt(), 50);
    const double score = change[QStringLiteral("change")].toDouble(-1);
    QVERIFY(score >= 0 && score <= 1);
    QCOMPARE(change[QStringLiteral("mean_jaccard")].toDouble() + score, 1.0);

    const QJsonObject one = json({QStringLiteral("compare"), m_project,
                                  QStringLiteral("--versions"), QStringLiteral("0"),
                                  QStringLiteral("1"), m_data + "/images/1F600.png",
                                  QStringLiteral("-k"), QStringLiteral("5"),
                                  QStringLiteral("--json")})
                                .object();
    QCOMPARE(one[QStringLiteral("before")].toArray().size(), 5);
    QCOMPARE(one[QStringLiteral("after")].toArray().size(), 5);
    QCOMPARE(one[QStringLiteral("entered")].toArray().size(),
             one[QStringLiteral("left")].toArray().size());

    const Run missing = cli({QStringLiteral("compare"), m_project, QStringLiteral("--versions"),
                             QStringLiteral("0"), QStringLiteral("7")});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY2(missing.err.contains("no ready model version 7"), missing.err.toUtf8().constData());
}

void tst_Cli::labelsExportRoundTrips()
{
    const QString csv = m_dir.filePath(QStringLiteral("labels.csv"));
    const Run run = cli({QStringLiteral("labels"), QStringLiteral("export"), m_project, csv});
    QCOMPARE(run.exitCode, 0);

    const QString copy = m_dir.filePath(QStringLiteral("copy"));
    QCOMPARE(cli({QStringLiteral("init"), copy}).exitCode, 0);
    QCOMPARE(cli({QStringLiteral("import"), copy, m_data + "/images"}).exitCode, 0);
    const Run back = cli({QStringLiteral("labels"), QStringLiteral("import"), copy, csv,
                          QStringLiteral("--image-column"), QStringLiteral("image"),
                          QStringLiteral("--labels-column"), QStringLiteral("labels")});
    QCOMPARE(back.exitCode, 0);
    const QJsonObject original = json({QStringLiteral("info"), m_project, QStringLiteral("--json")})
                                     .object();
    const QJsonObject copied = json({QStringLiteral("info"), copy, QStringLiteral("--json")})
                                   .object();
    for (const QString &key : {QStringLiteral("label_assignments"), QStringLiteral("labels")}) {
        QCOMPARE(copied[key], original[key]);
    }
}

void tst_Cli::errorsSayWhatToDo_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");

    const QString nowhere = QDir::tempPath() + "/likeness-no-such-project";
    QTest::newRow("not a project") << QStringList{"info", nowhere} << 1 << "likeness-cli init";
    QTest::newRow("unknown command") << QStringList{"frobnicate"} << 2 << "Unknown command";
    QTest::newRow("missing arguments") << QStringList{"knn"} << 2 << "Missing arguments";
    QTest::newRow("bad k") << QStringList{"knn", "x", "y", "-k", "zero"} << 2 << "-k takes";
    QTest::newRow("compare without versions")
        << QStringList{"compare", "p"} << 2 << "--versions";
    QTest::newRow("sort with a bad page")
        << QStringList{"sort", "p", "1", "--limit", "0"} << 2 << "--limit";
    QTest::newRow("labels without columns")
        << QStringList{"labels", "import", "p", "f.csv"} << 2 << "--image-column";
    QTest::newRow("import of a path that does not exist")
        << QStringList{"import", m_project, nowhere} << 1 << "does not exist";
    QTest::newRow("too many threads")
        << QStringList{"train", "p", "--threads", "100000"} << 2 << "--threads";
    QTest::newRow("undo of a change that does not exist")
        << QStringList{"labels", "undo", m_project, "--change", "999999"} << 1
        << "no label change 999999";
    QTest::newRow("pixel limit past the ceiling")
        << QStringList{"import", m_project, m_data, "--max-pixels", "5000000000"} << 2
        << "one gigapixel";
    QTest::newRow("demo with too few images")
        << QStringList{"demo", nowhere, "--limit", "0"} << 2 << "at least 10";
    QTest::newRow("knn with images and a file")
        << QStringList{"knn", m_project, "1", "--file", m_data + "/images/1F600.png"} << 2
        << "not both";
    QTest::newRow("sort past the end")
        << QStringList{"sort", m_project, "1", "--offset", "100000"} << 1 << "past the end";
    QTest::newRow("labels without a sub-command")
        << QStringList{"labels"} << 2 << "labels export PROJECT CSV";
}

void tst_Cli::errorsSayWhatToDo()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, message);

    const Run run = cli(arguments);
    QCOMPARE(run.exitCode, exitCode);
    QVERIFY2(run.err.contains(message), run.err.toUtf8().constData());
}

void tst_Cli::fashionMnistDemo()
{
    QVERIFY2(QFileInfo::exists(likeness::fashionMnistFolder()
                               + "/train-images-idx3-ubyte.gz"),
             "Fashion-MNIST is missing: apt-get install dataset-fashion-mnist");

    const QString demo = m_dir.filePath(QStringLiteral("demo"));
    const Run run = cli({QStringLiteral("demo"), demo, QStringLiteral("--limit"),
                         QStringLiteral("400"), QStringLiteral("--epochs"), QStringLiteral("3")});
    QVERIFY2(run.exitCode == 0, run.err.toUtf8().constData());
    QVERIFY(run.out.contains("held-out kNN accuracy"));

    const QJsonObject info = json({QStringLiteral("info"), demo, QStringLiteral("--json")})
                                 .object();
    QCOMPARE(info[QStringLiteral("images")].toInt(), 400);
    QCOMPARE(info[QStringLiteral("labels")].toInt(), 10);
    QCOMPARE(info[QStringLiteral("label_assignments")].toInt(), 400);
    // The trained version exists; it is current only if it beat the classic descriptor.
    const QJsonObject trained = info[QStringLiteral("model_versions")].toArray()[1].toObject();
    QCOMPARE(trained[QStringLiteral("status")].toString(), QStringLiteral("ready"));
    const int current = info[QStringLiteral("current_model")].toInt();
    QCOMPARE(current == 0, run.out.contains("was not made current"));

    // The demo refuses to overwrite an existing project.
    const Run again = cli({QStringLiteral("demo"), demo});
    QCOMPARE(again.exitCode, 1);
    QVERIFY(again.err.contains("already holds"));
}

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_cli.moc"
