#include "clirun.h"
#include "jobs/jobcontrol.h"
#include "ml/modelversion.h"
#include "store/project.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace likeness;

// A project must survive what happens to real projects: programs that write at the same
// time, backups and restores, damaged caches and processes killed at any moment.
class tst_Durability : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void backupWhileAnotherProcessWrites();
    void restoreKeepsThePreviousDatabase();
    void checkFindsAndRepairsDamagedCaches();
    void killedWriterLosesNothing();
    void killedBulkLabelLoadLosesNothing();
    void killedImportRecovers();
    void killedTrainingKeepsTheProject();

private:
    using Run = CliRun;
    static Run cli(const QStringList &arguments) { return runCli(arguments); }
    static QString integrity(const QString &file);
    static QVector<qint64> tripletIds(const QString &file);
    static QStringList committed(const QByteArray &output, const QByteArray &kind);
    static void killAfter(QProcess &process, int milliseconds);
    static void verifyReopens(const QString &folder);

    QTemporaryDir m_dir;
    QString m_images; // a few OpenMoji images, copied so that tests may damage them
};

QString tst_Durability::integrity(const QString &file)
{
    const QString name = QStringLiteral("integrity");
    QString result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(file);
        QSqlQuery query(db);
        if (db.open() && query.exec(QStringLiteral("PRAGMA integrity_check")) && query.next()) {
            result = query.value(0).toString();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return result;
}

QVector<qint64> tst_Durability::tripletIds(const QString &file)
{
    const QString name = QStringLiteral("triplets");
    QVector<qint64> ids;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(file);
        QSqlQuery query(db);
        if (db.open() && query.exec(QStringLiteral("SELECT id FROM triplets ORDER BY id"))) {
            while (query.next()) {
                ids.append(query.value(0).toLongLong());
            }
        }
    }
    QSqlDatabase::removeDatabase(name);
    return ids;
}

// The values of the helper's "KIND VALUE" lines: what it reported as committed.
QStringList tst_Durability::committed(const QByteArray &output, const QByteArray &kind)
{
    QStringList values;
    for (const QByteArray &line : output.split('\n')) {
        if (line.startsWith(kind + ' ')) {
            values.append(QString::fromUtf8(line.mid(kind.size() + 1)));
        }
    }
    return values;
}

void tst_Durability::initTestCase()
{
    m_images = m_dir.filePath(QStringLiteral("images"));
    QVERIFY(QDir().mkpath(m_images));
    const QDir source(QStringLiteral(LIKENESS_TEST_DATA "/openmoji/images"));
    const QStringList files = source.entryList({QStringLiteral("*.png")}, QDir::Files,
                                               QDir::Name);
    QVERIFY(files.size() >= 40);
    for (const QString &file : files.mid(0, 40)) {
        QVERIFY(QFile::copy(source.filePath(file), QDir(m_images).filePath(file)));
    }
}

void tst_Durability::backupWhileAnotherProcessWrites()
{
    const QString project = m_dir.filePath(QStringLiteral("busy"));
    QCOMPARE(cli({QStringLiteral("init"), project}).exitCode, 0);

    QProcess writer;
    writer.start(QStringLiteral(LIKENESS_STORE_HELPER), {QStringLiteral("write"), project,
                                                         QStringLiteral("0")});
    QByteArray output;
    while (committed(output, "judgment").size() < 20) {
        QVERIFY2(writer.waitForReadyRead(60000), writer.readAllStandardError().constData());
        output += writer.readAllStandardOutput();
    }
    const qint64 before = committed(output, "judgment").size();

    const QString backup = m_dir.filePath(QStringLiteral("busy.backup"));
    const Run run = cli({QStringLiteral("backup"), project, backup});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));

    writer.kill();
    QVERIFY(writer.waitForFinished(60000));
    output += writer.readAllStandardOutput();
    const qint64 after = committed(output, "judgment").size();

    // The backup is whole and holds a prefix of the judgments: all those committed before
    // it started, none that were not committed (one may have been committed but not yet
    // reported when the writer was killed).
    QCOMPARE(integrity(backup), QStringLiteral("ok"));
    const QVector<qint64> ids = tripletIds(backup);
    QVERIFY2(ids.size() >= before && ids.size() <= after + 1,
             qPrintable(QStringLiteral("%1 <= %2 <= %3 + 1").arg(before).arg(ids.size())
                            .arg(after)));
    for (qsizetype i = 0; i < ids.size(); ++i) {
        QCOMPARE(ids[i], i + 1);
    }
}

void tst_Durability::restoreKeepsThePreviousDatabase()
{
    const QString project = m_dir.filePath(QStringLiteral("restored"));
    QCOMPARE(cli({QStringLiteral("init"), project}).exitCode, 0);
    QProcess writer;
    writer.start(QStringLiteral(LIKENESS_STORE_HELPER), {QStringLiteral("write"), project,
                                                         QStringLiteral("5")});
    QVERIFY(writer.waitForFinished(60000));
    QCOMPARE(writer.exitCode(), 0);
    const QString backup = m_dir.filePath(QStringLiteral("restored.backup"));
    QCOMPARE(cli({QStringLiteral("backup"), project, backup}).exitCode, 0);
    writer.start(QStringLiteral(LIKENESS_STORE_HELPER), {QStringLiteral("write"), project,
                                                         QStringLiteral("3")});
    QVERIFY(writer.waitForFinished(60000));
    QCOMPARE(tripletIds(project + QStringLiteral("/project.sqlite")).size(), 8);

    // Refused while another program has the project open for writing.
    QProcess holder;
    holder.start(QStringLiteral(LIKENESS_STORE_HELPER), {QStringLiteral("hold"), project});
    QVERIFY(holder.waitForReadyRead(60000));
    const Run refused = cli({QStringLiteral("restore"), backup, project});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains(QStringLiteral("process %1").arg(holder.processId())),
             qPrintable(refused.err));
    holder.closeWriteChannel();
    QVERIFY(holder.waitForFinished(60000));

    const Run run = cli({QStringLiteral("restore"), backup, project});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QCOMPARE(tripletIds(project + QStringLiteral("/project.sqlite")).size(), 5);
    const QString kept = project + QStringLiteral("/project.sqlite.before-restore");
    QCOMPARE(integrity(kept), QStringLiteral("ok"));
    QCOMPARE(tripletIds(kept).size(), 8);

    // A file that is not a backup is refused and changes nothing.
    const Run bad = cli({QStringLiteral("restore"), QStringLiteral(LIKENESS_CLI), project});
    QCOMPARE(bad.exitCode, 1);
    QVERIFY2(bad.err.contains(QStringLiteral("not changed")), qPrintable(bad.err));
    QCOMPARE(tripletIds(project + QStringLiteral("/project.sqlite")).size(), 5);
}

void tst_Durability::checkFindsAndRepairsDamagedCaches()
{
    const QString folder = m_dir.filePath(QStringLiteral("damaged"));
    QCOMPARE(cli({QStringLiteral("init"), folder}).exitCode, 0);
    QCOMPARE(cli({QStringLiteral("import"), folder, m_images}).exitCode, 0);
    // Caches built on first use are not problems before that use.
    const Run fresh = cli({QStringLiteral("check"), folder});
    QVERIFY2(fresh.exitCode == 0, qPrintable(fresh.out + fresh.err));
    QVERIFY2(fresh.out.contains(QStringLiteral("not built yet")), qPrintable(fresh.out));
    const Run first = cli({QStringLiteral("check"), folder, QStringLiteral("--repair")});
    QVERIFY2(first.exitCode == 0, qPrintable(first.out + first.err));
    const Run sound = cli({QStringLiteral("check"), folder});
    QVERIFY2(sound.exitCode == 0, qPrintable(sound.out + sound.err));
    QVERIFY2(sound.out.contains(QStringLiteral("embeddings of version 0: ok")),
             qPrintable(sound.out));

    // A half-written embedding file, a lost thumbnail cache and a version whose training
    // was killed.
    {
        auto project = Project::open(folder);
        QVERIFY(project);
        ModelVersionRecord record;
        record.backbone = QStringLiteral("convnet");
        record.status = QStringLiteral("training");
        QCOMPARE((*project)->addModelVersion(record).value(), 1);
    }
    QFile embeddings(folder + QStringLiteral("/embeddings/v0000.f32"));
    QVERIFY(embeddings.resize(embeddings.size() / 2));
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
        QFile::remove(folder + QStringLiteral("/thumbs.sqlite") + suffix);
    }

    const Run damaged = cli({QStringLiteral("check"), folder});
    QCOMPARE(damaged.exitCode, 1);
    QVERIFY2(damaged.out.contains(QStringLiteral("project.sqlite: ok")), qPrintable(damaged.out));
    QVERIFY2(damaged.out.contains(QStringLiteral("thumbnails: 40 of 40 ok images have none")),
             qPrintable(damaged.out));
    QVERIFY2(damaged.out.contains(QStringLiteral("not a complete embedding file")),
             qPrintable(damaged.out));
    QVERIFY2(damaged.out.contains(QStringLiteral("model version 1: its training was interrupted")),
             qPrintable(damaged.out));

    const Run repair = cli({QStringLiteral("check"), folder, QStringLiteral("--repair")});
    QVERIFY2(repair.exitCode == 0, qPrintable(repair.out + repair.err));
    QVERIFY2(repair.out.contains(QStringLiteral("40 thumbnails rebuilt")), qPrintable(repair.out));
    const Run after = cli({QStringLiteral("check"), folder});
    QVERIFY2(after.exitCode == 0, qPrintable(after.out + after.err));
    QVERIFY(after.out.contains(QStringLiteral("thumbnails: ok (40 images)")));
    QVERIFY(after.out.contains(QStringLiteral("index of version 0: ok")));
    {
        auto project = Project::open(folder);
        QVERIFY(project);
        QCOMPARE((*project)->modelVersion(1)->status, QStringLiteral("failed"));
    }

    // Damaged pages inside the thumbnail cache: found, put aside and rebuilt.
    const QString thumbs = folder + QStringLiteral("/thumbs.sqlite");
    {
        QFile file(thumbs);
        QVERIFY(file.size() > 6 * 4096);
        QVERIFY(file.open(QIODevice::ReadWrite));
        file.seek(2 * 4096);
        file.write(QByteArray(4 * 4096, '\xa5'));
    }
    const Run broken = cli({QStringLiteral("check"), folder});
    QCOMPARE(broken.exitCode, 1);
    QVERIFY2(broken.out.contains(QStringLiteral("thumbnail cache:")), qPrintable(broken.out));
    const Run rebuilt = cli({QStringLiteral("check"), folder, QStringLiteral("--repair")});
    QVERIFY2(rebuilt.exitCode == 0, qPrintable(rebuilt.out + rebuilt.err));
    QVERIFY2(rebuilt.out.contains(QStringLiteral("40 thumbnails rebuilt")),
             qPrintable(rebuilt.out));
    QVERIFY(QFileInfo::exists(thumbs + QStringLiteral(".damaged")));

    // A cache that is not a database at all never keeps anyone from the project.
    QVERIFY(QFile(thumbs).resize(4096));
    const Run info = cli({QStringLiteral("info"), folder});
    QVERIFY2(info.exitCode == 0, qPrintable(info.out + info.err));
    const Run again = cli({QStringLiteral("check"), folder, QStringLiteral("--repair")});
    QVERIFY2(again.exitCode == 0, qPrintable(again.out + again.err));
}

// Kills the process with SIGKILL once it has run for the given time (or has ended).
void tst_Durability::killAfter(QProcess &process, int milliseconds)
{
    process.waitForFinished(milliseconds);
    process.kill();
    process.waitForFinished(60000);
}

// What every crash must leave: a project that opens, passes SQLite's integrity check and
// whose current version's caches load (rebuilt when half-written).
void tst_Durability::verifyReopens(const QString &folder)
{
    auto project = Project::open(folder);
    QVERIFY2(project, qPrintable(project.error()));
    QSqlQuery query((*project)->database());
    QVERIFY(query.exec(QStringLiteral("PRAGMA integrity_check")) && query.next());
    QCOMPARE(query.value(0).toString(), QStringLiteral("ok"));

    JobControl control;
    const auto data = loadVersionData(**project, (*project)->currentModelVersion(), control);
    QVERIFY2(data, qPrintable(data.error()));
    QCOMPARE((*data)->index.size(), (*data)->embeddings.rows());
}

// Kill points are drawn from a fixed seed, so every run kills at the same moments; the test
// asserts only on what the killed process reported, never on how long anything took.
void tst_Durability::killedWriterLosesNothing()
{
    const QString folder = m_dir.filePath(QStringLiteral("killed-writer"));
    QCOMPARE(cli({QStringLiteral("init"), folder}).exitCode, 0);
    QRandomGenerator random(3);

    QSet<qint64> judgments;
    QSet<QString> labels;
    for (int round = 0; round < 5; ++round) {
        QProcess writer;
        writer.start(QStringLiteral(LIKENESS_STORE_HELPER), {QStringLiteral("write"), folder,
                                                             QStringLiteral("0")});
        QVERIFY(writer.waitForReadyRead(60000));
        killAfter(writer, random.bounded(1, 400));
        const QByteArray output = writer.readAllStandardOutput();
        for (const QString &id : committed(output, "judgment")) {
            judgments.insert(id.toLongLong());
        }
        for (const QString &label : committed(output, "label")) {
            labels.insert(label);
        }

        verifyReopens(folder);
        auto project = Project::open(folder);
        QVERIFY2(project, qPrintable(project.error()));
        QSet<qint64> stored;
        for (const Judgment &judgment : (*project)->judgments()) {
            stored.insert(judgment.id);
        }
        QVERIFY2(stored.contains(judgments), qPrintable(QStringLiteral("round %1").arg(round)));
        QSet<QString> storedLabels;
        for (const LabelRecord &label : (*project)->labels()) {
            storedLabels.insert(label.name);
        }
        QVERIFY(storedLabels.contains(labels));
    }
    QVERIFY(!judgments.isEmpty());
}

// A bulk load suspends the by-label index and the count triggers inside its transaction; a
// kill at any point must leave them in place, the counts exact and every committed load whole.
void tst_Durability::killedBulkLabelLoadLosesNothing()
{
    const QString folder = m_dir.filePath(QStringLiteral("killed-bulk"));
    QCOMPARE(cli({QStringLiteral("init"), folder}).exitCode, 0);
    QRandomGenerator random(11);

    qint64 committedAssignments = 0;
    for (int round = 0; round < 3; ++round) {
        QProcess loader;
        loader.start(QStringLiteral(LIKENESS_STORE_HELPER), {QStringLiteral("bulk"), folder});
        QVERIFY(loader.waitForReadyRead(120000)); // the first load of the round committed
        killAfter(loader, random.bounded(1, 2000));
        for (const QString &line : committed(loader.readAllStandardOutput(), "bulk")) {
            committedAssignments = std::max(committedAssignments,
                                            line.section(QLatin1Char(' '), 1).toLongLong());
        }

        verifyReopens(folder);
        auto project = Project::open(folder);
        QVERIFY2(project, qPrintable(project.error()));
        QVERIFY((*project)->miscountedLabels().isEmpty());
        QVERIFY((*project)->labelAssignmentCount() >= committedAssignments);
        QCOMPARE((*project)->labelAssignmentCount() % 240000, 0); // loads are whole or absent
        QSqlQuery schema((*project)->database());
        QVERIFY(schema.exec(QStringLiteral(
            "SELECT count(*) FROM sqlite_master WHERE name IN ('image_labels_by_label',"
            " 'label_counts_in', 'label_counts_out', 'label_counts_moved')")));
        QVERIFY(schema.next());
        QCOMPARE(schema.value(0).toInt(), 4);
    }
    QVERIFY(committedAssignments > 0);
}

void tst_Durability::killedImportRecovers()
{
    const QString folder = m_dir.filePath(QStringLiteral("killed-import"));
    QCOMPARE(cli({QStringLiteral("init"), folder}).exitCode, 0);
    QRandomGenerator random(5);

    for (int round = 0; round < 3; ++round) {
        QProcess import;
        import.start(QStringLiteral(LIKENESS_CLI), {QStringLiteral("import"), folder, m_images});
        QVERIFY(import.waitForStarted());
        killAfter(import, random.bounded(50, 1500));
        verifyReopens(folder);
    }

    // An import killed between recording images and caching their thumbnails leaves ok
    // images without thumbnails; importing again skips them as unchanged, check repairs them.
    const Run import = cli({QStringLiteral("import"), folder, m_images});
    QVERIFY2(import.exitCode == 0, qPrintable(import.err));
    const Run repair = cli({QStringLiteral("check"), folder, QStringLiteral("--repair")});
    QVERIFY2(repair.exitCode == 0, qPrintable(repair.out + repair.err));
    const Run check = cli({QStringLiteral("check"), folder});
    QVERIFY2(check.exitCode == 0, qPrintable(check.out + check.err));
    QVERIFY(check.out.contains(QStringLiteral("thumbnails: ok (40 images)")));
}

void tst_Durability::killedTrainingKeepsTheProject()
{
    const QString folder = m_dir.filePath(QStringLiteral("killed-training"));
    QCOMPARE(cli({QStringLiteral("init"), folder}).exitCode, 0);
    QCOMPARE(cli({QStringLiteral("import"), folder, m_images}).exitCode, 0);
    const Run labels = cli({QStringLiteral("labels"), QStringLiteral("import"), folder,
                            QStringLiteral(LIKENESS_TEST_DATA "/openmoji/openmoji.csv"),
                            QStringLiteral("--image-column"), QStringLiteral("hexcode"),
                            QStringLiteral("--labels-column"), QStringLiteral("group")});
    QVERIFY2(labels.exitCode == 0, qPrintable(labels.err));
    QRandomGenerator random(7);

    for (int round = 0; round < 3; ++round) {
        QProcess train;
        train.start(QStringLiteral(LIKENESS_CLI),
                    {QStringLiteral("train"), folder, QStringLiteral("--epochs"),
                     QStringLiteral("3"), QStringLiteral("--device"), QStringLiteral("cpu"),
                     QStringLiteral("--threads"), QStringLiteral("1"),
                     QStringLiteral("--live-even-if-worse")});
        QVERIFY(train.waitForStarted());
        killAfter(train, random.bounded(200, 4000));
        verifyReopens(folder);

        // Whatever version is current is a finished one.
        auto project = Project::open(folder);
        QVERIFY(project);
        const auto current = (*project)->modelVersion((*project)->currentModelVersion());
        QVERIFY(current);
        QCOMPARE(current->status, QStringLiteral("ready"));
    }
}

QTEST_GUILESS_MAIN(tst_Durability)
#include "tst_durability.moc"
