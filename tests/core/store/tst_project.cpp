#include "store/project.h"
#include "store/schema.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QScopeGuard>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace likeness;

class tst_Project : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void createAndReopenKeepsWork();
    void createRefusesExistingProject();
    void openRefusesNonProject();
    void damagedDatabaseSaysHowToRestore();
    void refusesNewerSchema();
    void labelNamesAreNormalised();
    void bulkAssignmentsKeepExistingOnes();
    void largeBulkLoadRebuildsIndexAndCounts();
    void labelHistoryKeepsWhoAndWhen();
    void labelChangeCanBeUndoneLater();
    void labelCountsFollowEveryWrite();
    void judgmentNeedsThreeImages();
    void judgmentUndoAndRedo();
    void modelVersionsStartWithClassic();
    void restoredJudgmentWithoutTimeGetsOne();
    void deadTrainingRunIsMarkedInterrupted();
    void lockIsSharedWithinProcess();
    void secondProcessIsRefused();
    void lockedProjectOpensReadOnly();
    void staleLockIsTakenOver();
    void olderSchemaIsUpgradedAfterACopy();
    void failedUpgradeChangesNothing();
    void readOnlyFolderOpensReadOnly();
    void readOnlyFolderShowsWorkLeftInTheLog();
    void fullDatabaseIsReportedAndLosesNothing();
    void fullDiskIsReportedAndLosesNothing();

private:
    static QVector<qint64> addImages(Project &project, int count);
    static bool startHolder(QProcess &process, const QString &folder);
    static bool writeSchema1Project(const QString &folder, const QStringList &extra = {});
    static qint64 countRows(const QString &file, const QString &table);
    static int userVersion(const QString &file);
    static bool run(const QString &program, const QStringList &arguments);
    static QString fillUntilFull(Project &project, QVector<qint64> *stored);
};

bool tst_Project::run(const QString &program, const QStringList &arguments)
{
    QProcess process;
    process.start(program, arguments);
    return process.waitForFinished(60000) && process.exitStatus() == QProcess::NormalExit
           && process.exitCode() == 0;
}

// Adds judgments until the store refuses one; returns that refusal's message.
QString tst_Project::fillUntilFull(Project &project, QVector<qint64> *stored)
{
    const QVector<qint64> ids = addImages(project, 3);
    const QString padding(4000, u'x');
    for (int i = 0; i < 100000 && ids.size() == 3; ++i) {
        const Judgment judgment{0, ids[0], ids[1], ids[2], Choice::First, {}, padding, 0, i, {}};
        const Result<qint64> id = project.addJudgment(judgment);
        if (!id) {
            return id.error();
        }
        stored->append(*id);
    }
    return {};
}

// A project as the first release wrote it: schema 1, three images, a label and a judgment.
bool tst_Project::writeSchema1Project(const QString &folder, const QStringList &extra)
{
    const QString name = QStringLiteral("schema1");
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(QDir(folder).filePath(QStringLiteral("project.sqlite")));
        ok = db.open();
        QSqlQuery query(db);
        const QStringList statements = schemaSteps().first().statements + QStringList{
            QStringLiteral("INSERT INTO images(path, status) VALUES ('/a.png', 'ok'),"
                           " ('/b.png', 'ok'), ('/c.png', 'ok')"),
            QStringLiteral("INSERT INTO labels(name) VALUES ('cat')"),
            QStringLiteral("INSERT INTO image_labels(image_id, label_id, source)"
                           " VALUES (1, 1, 'human')"),
            QStringLiteral("INSERT INTO triplets(anchor_id, first_id, second_id, choice,"
                           " created_at) VALUES (1, 2, 3, 'first', '2024-01-01T00:00:00Z')"),
            QStringLiteral("PRAGMA user_version=1")} + extra;
        for (const QString &statement : statements) {
            if (ok && !query.exec(statement)) {
                qWarning() << statement << query.lastError().text();
                ok = false;
            }
        }
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

qint64 tst_Project::countRows(const QString &file, const QString &table)
{
    const QString name = QStringLiteral("count");
    qint64 count = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(file);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        QSqlQuery query(db);
        if (db.open() && query.exec(QStringLiteral("SELECT count(*) FROM %1").arg(table))
            && query.next()) {
            count = query.value(0).toLongLong();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return count;
}

int tst_Project::userVersion(const QString &file)
{
    const QString name = QStringLiteral("version");
    int version = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(file);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        QSqlQuery query(db);
        if (db.open() && query.exec(QStringLiteral("PRAGMA user_version")) && query.next()) {
            version = query.value(0).toInt();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return version;
}

// Starts the helper process holding the project open for writing until its stdin closes.
bool tst_Project::startHolder(QProcess &process, const QString &folder)
{
    process.start(QStringLiteral(LIKENESS_STORE_HELPER), {QStringLiteral("hold"), folder});
    if (!process.waitForStarted() || !process.waitForReadyRead(60000)) {
        return false;
    }
    return process.readLine().trimmed() == "held";
}

QVector<qint64> tst_Project::addImages(Project &project, int count)
{
    QVector<ImageRecord> records;
    for (int i = 0; i < count; ++i) {
        ImageRecord record;
        record.path = QStringLiteral("/images/%1.png").arg(i);
        record.contentHash = QString::number(i);
        record.status = ImageStatus::Ok;
        records.append(record);
    }
    if (!project.upsertImages(records)) {
        return {};
    }
    QVector<qint64> ids;
    for (const ImageRecord &record : records) {
        ids.append(record.id);
    }
    return ids;
}

void tst_Project::createAndReopenKeepsWork()
{
    QTemporaryDir dir;
    {
        auto project = Project::create(dir.filePath(QStringLiteral("p")));
        QVERIFY2(project, qPrintable(project.error()));
        const QVector<qint64> ids = addImages(**project, 3);
        QCOMPARE(ids.size(), 3);
        QVERIFY((*project)->addLabel({ids[0], ids[1]}, QStringLiteral("cat"), LabelSource::Human,
                                     QStringLiteral("ann")));
        Judgment judgment{0, ids[0], ids[1], ids[2], Choice::First, QStringLiteral("ann"),
                          QStringLiteral("random"), 0, 1200, {}};
        QVERIFY((*project)->addJudgment(judgment));
    }

    auto reopened = Project::open(dir.filePath(QStringLiteral("p")));
    QVERIFY2(reopened, qPrintable(reopened.error()));
    QCOMPARE((*reopened)->imageCount(), 3);
    QCOMPARE((*reopened)->labelAssignmentCount(), 2);
    const QVector<Judgment> judgments = (*reopened)->judgments();
    QCOMPARE(judgments.size(), 1);
    QCOMPARE(judgments[0].choice, Choice::First);
    QCOMPARE(judgments[0].annotator, QStringLiteral("ann"));
    QCOMPARE(judgments[0].responseMs, 1200);

    QSqlQuery check((*reopened)->database());
    QVERIFY(check.exec(QStringLiteral("PRAGMA integrity_check")) && check.next());
    QCOMPARE(check.value(0).toString(), QStringLiteral("ok"));
    QVERIFY(check.exec(QStringLiteral("PRAGMA journal_mode")) && check.next());
    QCOMPARE(check.value(0).toString(), QStringLiteral("wal"));
}

void tst_Project::createRefusesExistingProject()
{
    QTemporaryDir dir;
    QVERIFY(Project::create(dir.path()));
    const auto second = Project::create(dir.path());
    QVERIFY(!second);
    QVERIFY(second.error().contains(QStringLiteral("already holds")));
}

void tst_Project::openRefusesNonProject()
{
    QTemporaryDir dir;
    const auto project = Project::open(dir.path());
    QVERIFY(!project);
    QVERIFY(project.error().contains(QStringLiteral("likeness-cli init")));
}

// An emptied or overwritten project.sqlite is never taken for a new, empty project, and the
// refusal says how to get the work back.
void tst_Project::damagedDatabaseSaysHowToRestore()
{
    QTemporaryDir dir;
    QVERIFY(Project::create(dir.path()));
    const QString file = dir.filePath(QStringLiteral("project.sqlite"));

    QVERIFY(QFile(file).resize(0));
    const auto empty = Project::open(dir.path());
    QVERIFY(!empty);
    QVERIFY2(empty.error().contains(QStringLiteral("is empty")), qPrintable(empty.error()));
    QCOMPARE(QFileInfo(file).size(), 0);

    QFile text(file);
    QVERIFY(text.open(QIODevice::WriteOnly));
    text.write(QByteArray("image,labels\n").repeated(400));
    text.close();
    const auto replaced = Project::open(dir.path());
    QVERIFY(!replaced);
    QVERIFY2(replaced.error().contains(QStringLiteral("likeness-cli restore")),
             qPrintable(replaced.error()));
}

void tst_Project::refusesNewerSchema()
{
    QTemporaryDir dir;
    {
        auto project = Project::create(dir.path());
        QVERIFY(project);
        QSqlQuery query((*project)->database());
        QVERIFY(query.exec(QStringLiteral("PRAGMA user_version=%1")
                               .arg(Project::SchemaVersion + 1)));
    }

    const auto project = Project::open(dir.path());
    QVERIFY(!project);
    QVERIFY2(project.error().contains(QStringLiteral("newer Likeness")),
             qPrintable(project.error()));
}

void tst_Project::labelNamesAreNormalised()
{
    QTemporaryDir dir;
    auto project = Project::create(dir.path());
    QVERIFY(project);
    const QVector<qint64> ids = addImages(**project, 1);

    // "é" written decomposed (e + combining acute) and with spaces is the same label.
    const QString decomposed = QStringLiteral("  caf") + QChar(u'e') + QChar(0x0301)
                               + QStringLiteral(" ");
    QVERIFY((*project)->addLabel(ids, decomposed, LabelSource::Human, {}));
    QVERIFY((*project)->addLabel(ids, QStringLiteral("caf\u00e9"), LabelSource::Human, {}));
    QCOMPARE((*project)->labelsOfImage(ids[0]), QStringList{QStringLiteral("caf\u00e9")});

    // Case is kept: two different labels.
    QVERIFY((*project)->addLabel(ids, QStringLiteral("Caf\u00e9"), LabelSource::Human, {}));
    QCOMPARE((*project)->labels().size(), 2);
    QVERIFY(!(*project)->addLabel(ids, QStringLiteral("   "), LabelSource::Human, {}));
}

void tst_Project::bulkAssignmentsKeepExistingOnes()
{
    QTemporaryDir dir;
    auto project = Project::create(dir.path());
    QVERIFY(project);
    const QVector<qint64> ids = addImages(**project, 3);
    QVERIFY((*project)->addLabel({ids[1]}, QStringLiteral("b"), LabelSource::Human, {}));
    const Result<qint64> a = (*project)->labelId(QStringLiteral("a"), true);
    const Result<qint64> b = (*project)->labelId(QStringLiteral("b"), false);
    QVERIFY(a && b);

    // Unsorted, with one pair already stored and one repeated.
    const QVector<QPair<qint64, qint64>> pairs = {
        {ids[2], *a}, {ids[1], *b}, {ids[0], *b}, {ids[0], *a}, {ids[2], *a}};
    QVERIFY((*project)->addLabelAssignments(pairs, LabelSource::Imported));
    QCOMPARE((*project)->labelAssignmentCount(), 4);
    QCOMPARE((*project)->labelsOfImage(ids[0]), (QStringList{QStringLiteral("a"),
                                                             QStringLiteral("b")}));
    QCOMPARE((*project)->labelsOfImage(ids[2]), QStringList{QStringLiteral("a")});

    QSqlQuery source((*project)->database());
    QVERIFY(source.exec(QStringLiteral("SELECT c.source FROM image_labels il"
                                       " JOIN label_changes c ON c.id = il.change_id"
                                       " WHERE il.image_id = %1").arg(ids[1])));
    QVERIFY(source.next());
    QCOMPARE(source.value(0).toString(), LabelSource::Human);

    // An unknown image fails the batch and stores none of it.
    QVERIFY(!(*project)->addLabelAssignments({{ids[1], *a}, {ids[2] + 100, *a}},
                                             LabelSource::Imported));
    QCOMPARE((*project)->labelAssignmentCount(), 4);
}

// A load large enough to suspend the by-label index and the count triggers leaves both as they
// were, with exact counts, and the store keeps counting afterwards.
void tst_Project::largeBulkLoadRebuildsIndexAndCounts()
{
    QTemporaryDir dir;
    auto project = Project::create(dir.path());
    QVERIFY(project);
    const QVector<qint64> ids = addImages(**project, 40000);
    QVector<qint64> labelIds;
    for (int i = 0; i < 10; ++i) {
        const Result<qint64> id = (*project)->labelId(QStringLiteral("l%1").arg(i), true);
        QVERIFY(id);
        labelIds.append(*id);
    }
    QVERIFY((*project)->addLabel({ids[0]}, QStringLiteral("l0"), LabelSource::Human, {}));

    // Image i carries labels 0..(i % 10) -- 220,000 pairs -- plus every image label 9 again.
    QVector<QPair<qint64, qint64>> pairs;
    for (int i = 0; i < ids.size(); ++i) {
        for (int l = 0; l <= i % 10; ++l) {
            pairs.append({ids[i], labelIds[l]});
        }
        pairs.append({ids[i], labelIds[9]});
    }
    QVERIFY(pairs.size() >= 200000);

    // One unknown image or label fails the whole load, which then stores nothing.
    QVector<QPair<qint64, qint64>> bad = pairs;
    bad.append({ids.last() + 1, labelIds[0]});
    const Status unknownImage = (*project)->addLabelAssignments(bad, LabelSource::Imported);
    QVERIFY(!unknownImage);
    QVERIFY2(unknownImage.error().contains(QStringLiteral("no image")),
             qPrintable(unknownImage.error()));
    bad.last() = {ids[5], labelIds.last() + 1};
    QVERIFY(!(*project)->addLabelAssignments(bad, LabelSource::Imported));
    QCOMPARE((*project)->labelAssignmentCount(), 1);

    QVERIFY((*project)->addLabelAssignments(pairs, LabelSource::Imported));

    QSqlQuery schema((*project)->database());
    QVERIFY(schema.exec(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name IN"
                                       " ('image_labels_by_label', 'label_counts_in',"
                                       " 'label_counts_out', 'label_counts_moved')")));
    QVERIFY(schema.next());
    QCOMPARE(schema.value(0).toInt(), 4);
    QVERIFY((*project)->miscountedLabels().isEmpty());
    QSqlQuery keys((*project)->database());
    QVERIFY(keys.exec(QStringLiteral("PRAGMA foreign_keys")) && keys.next());
    QCOMPARE(keys.value(0).toInt(), 1);
    const QVector<LabelRecord> labels = (*project)->labels();
    QCOMPARE(labels.first().name, QStringLiteral("l0"));
    QCOMPARE(labels.first().imageCount, 40000);
    QCOMPARE(labels.last().imageCount, 40000);
    QCOMPARE(labels.at(1).imageCount, 36000); // l1: every image but those with i % 10 == 0
    QCOMPARE((*project)->labelAssignmentCount(), 40000 * 11 / 2 + 40000 - 4000);

    // The triggers are back: an ordinary removal is counted.
    QVERIFY((*project)->removeLabel({ids[1]}, QStringLiteral("l1")));
    QCOMPARE((*project)->labels().at(1).imageCount, 35999);
    QVERIFY((*project)->miscountedLabels().isEmpty());

    const QVector<LabelChange> changes = (*project)->labelChanges();
    QCOMPARE(changes.size(), 3);
    QCOMPARE(changes.at(1).source, LabelSource::Imported);
    QCOMPARE(changes.at(1).assignments, pairs.size() - 4000 - 1);
}

void tst_Project::labelHistoryKeepsWhoAndWhen()
{
    QTemporaryDir dir;
    auto project = Project::create(dir.path());
    QVERIFY(project);
    const QVector<qint64> ids = addImages(**project, 3);
    const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-1);

    QVERIFY((*project)->addLabel({ids[0], ids[1]}, QStringLiteral("cat"), LabelSource::Human,
                                 QStringLiteral("ann")));
    // Labelling images that already carry the label changes nothing and records nothing.
    QVERIFY((*project)->addLabel({ids[0]}, QStringLiteral("cat"), LabelSource::Human,
                                 QStringLiteral("ann")));
    QVERIFY((*project)->removeLabel({ids[1], ids[2]}, QStringLiteral("cat"),
                                    QStringLiteral("bea")));
    QVERIFY((*project)->setImageLabels({{ids[2], {QStringLiteral("dog")}}},
                                       LabelSource::Imported, {}));

    const QVector<LabelChange> changes = (*project)->labelChanges();
    QCOMPARE(changes.size(), 3);
    QCOMPARE(changes.at(0).action, QStringLiteral("add"));
    QCOMPARE(changes.at(0).annotator, QStringLiteral("ann"));
    QCOMPARE(changes.at(0).assignments, 2);
    QVERIFY(changes.at(0).createdAt >= before);
    QCOMPARE(changes.at(1).action, QStringLiteral("remove"));
    QCOMPARE(changes.at(1).annotator, QStringLiteral("bea"));
    QCOMPARE(changes.at(1).assignments, 1);
    QCOMPARE(changes.at(2).action, QStringLiteral("replace"));
    QCOMPARE(changes.at(2).source, LabelSource::Imported);

    // The removed assignment is kept with who removed it and which change had added it.
    QSqlQuery removal((*project)->database());
    QVERIFY(removal.exec(QStringLiteral("SELECT change_id, image_id, added_by"
                                        " FROM label_removals")));
    QVERIFY(removal.next());
    QCOMPARE(removal.value(0).toLongLong(), changes.at(1).id);
    QCOMPARE(removal.value(1).toLongLong(), ids[1]);
    QCOMPARE(removal.value(2).toLongLong(), changes.at(0).id);
    QVERIFY(!removal.next());

    // Importing the same labels again changes nothing, so it is not recorded either.
    QVERIFY((*project)->setImageLabels({{ids[2], {QStringLiteral("dog")}}},
                                       LabelSource::Imported, {}));
    QCOMPARE((*project)->labelChanges().size(), 3);
}

// A wrong CSV import is undone from the history, even after other changes: its removals come
// back, its additions go, and undoing the undo redoes it.
void tst_Project::labelChangeCanBeUndoneLater()
{
    QTemporaryDir dir;
    auto project = Project::create(dir.path());
    QVERIFY(project);
    const QVector<qint64> ids = addImages(**project, 3);
    QVERIFY((*project)->addLabel({ids[0], ids[1]}, QStringLiteral("cat"), LabelSource::Human,
                                 QStringLiteral("ann")));
    QVERIFY((*project)->setImageLabels({{ids[0], {QStringLiteral("wrong")}},
                                        {ids[1], {QStringLiteral("wrong")}}},
                                       LabelSource::Imported, {}));
    const qint64 wrongImport = (*project)->labelChanges().last().id;
    QVERIFY((*project)->addLabel({ids[2]}, QStringLiteral("dog"), LabelSource::Human, {}));

    const Result<qint64> undo = (*project)->revertLabelChange(wrongImport, QStringLiteral("bea"));
    QVERIFY2(undo, qPrintable(undo.error()));
    QVERIFY(*undo > 0);
    QCOMPARE((*project)->labelsOfImage(ids[0]), QStringList{QStringLiteral("cat")});
    QCOMPARE((*project)->labelsOfImage(ids[1]), QStringList{QStringLiteral("cat")});
    QCOMPARE((*project)->labelsOfImage(ids[2]), QStringList{QStringLiteral("dog")});
    QVERIFY((*project)->miscountedLabels().isEmpty());
    const LabelChange recorded = (*project)->labelChanges().last();
    QCOMPARE(recorded.annotator, QStringLiteral("bea"));
    QCOMPARE(recorded.assignments, 4);

    QVERIFY((*project)->revertLabelChange(*undo));
    QCOMPARE((*project)->labelsOfImage(ids[0]), QStringList{QStringLiteral("wrong")});
    QCOMPARE((*project)->labelsOfImage(ids[2]), QStringList{QStringLiteral("dog")});
    QVERIFY(!(*project)->revertLabelChange(99999));
}

// label_counts is derived data: every way of changing assignments keeps it exact, and when it
// is wrong anyway (edited by hand), the store finds and rebuilds it.
void tst_Project::labelCountsFollowEveryWrite()
{
    QTemporaryDir dir;
    auto project = Project::create(dir.path());
    QVERIFY(project);
    const QVector<qint64> ids = addImages(**project, 4);
    const auto countOf = [&](const QString &name) -> qint64 {
        for (const LabelRecord &label : (*project)->labels()) {
            if (label.name == name) {
                return label.imageCount;
            }
        }
        return -1;
    };

    QVERIFY((*project)->addLabel(ids, QStringLiteral("a"), LabelSource::Human, {}));
    QVERIFY((*project)->addLabel({ids[0]}, QStringLiteral("b"), LabelSource::Human, {}));
    QCOMPARE(countOf(QStringLiteral("a")), 4);
    QVERIFY((*project)->removeLabel({ids[0], ids[1]}, QStringLiteral("a")));
    QCOMPARE(countOf(QStringLiteral("a")), 2);
    QVERIFY((*project)->setImageLabels({{ids[0], {QStringLiteral("c")}},
                                        {ids[3], {QStringLiteral("b")}}},
                                       LabelSource::Imported, {}));
    QCOMPARE(countOf(QStringLiteral("b")), 1);
    QCOMPARE(countOf(QStringLiteral("c")), 1);
    QCOMPARE(countOf(QStringLiteral("a")), 1);
    const Result<qint64> c = (*project)->labelId(QStringLiteral("c"), false);
    QVERIFY(c);
    QVERIFY((*project)->addLabelAssignments({{ids[1], *c}, {ids[2], *c}}, LabelSource::Imported));
    QCOMPARE(countOf(QStringLiteral("c")), 3);
    QCOMPARE((*project)->labelAssignmentCount(), 5);

    // Deleting an image takes its assignments and their counts with it.
    QSqlQuery edit((*project)->database());
    QVERIFY(edit.exec(QStringLiteral("DELETE FROM images WHERE id = %1").arg(ids[0])));
    QCOMPARE(countOf(QStringLiteral("c")), 2);
    QVERIFY((*project)->miscountedLabels().isEmpty());

    QVERIFY(edit.exec(QStringLiteral("UPDATE label_counts SET images = 40")));
    QCOMPARE((*project)->miscountedLabels().size(), 3);
    QVERIFY((*project)->recountLabels());
    QVERIFY((*project)->miscountedLabels().isEmpty());
    QCOMPARE(countOf(QStringLiteral("c")), 2);
}

void tst_Project::judgmentNeedsThreeImages()
{
    QTemporaryDir dir;
    auto project = Project::create(dir.path());
    QVERIFY(project);
    const QVector<qint64> ids = addImages(**project, 3);

    Judgment judgment{0, ids[0], ids[0], ids[2], Choice::Second, {}, {}, 0, 0, {}};
    const auto result = (*project)->addJudgment(judgment);
    QVERIFY(!result);
    QVERIFY(result.error().contains(QStringLiteral("three different images")));
    QCOMPARE((*project)->judgmentCount(), 0);
}

void tst_Project::judgmentUndoAndRedo()
{
    QTemporaryDir dir;
    auto project = Project::create(dir.path());
    QVERIFY(project);
    const QVector<qint64> ids = addImages(**project, 3);

    Judgment judgment{0, ids[0], ids[1], ids[2], Choice::Tie, QStringLiteral("a"), {}, 0, 5, {}};
    const auto id = (*project)->addJudgment(judgment);
    QVERIFY(id);
    const Judgment stored = (*project)->judgments().first();
    QCOMPARE(stored.id, *id);

    QVERIFY((*project)->removeJudgment(*id));
    QCOMPARE((*project)->judgmentCount(), 0);
    QVERIFY((*project)->restoreJudgment(stored));
    QCOMPARE((*project)->judgments().first().id, *id);
    QCOMPARE((*project)->judgments().first().choice, Choice::Tie);
}

void tst_Project::modelVersionsStartWithClassic()
{
    QTemporaryDir dir;
    auto project = Project::create(dir.path());
    QVERIFY(project);
    QCOMPARE((*project)->currentModelVersion(), 0);
    QCOMPARE((*project)->modelVersion(0)->backbone, QStringLiteral("classic"));

    ModelVersionRecord record;
    record.backbone = QStringLiteral("convnet");
    record.status = QStringLiteral("training");
    const auto version = (*project)->addModelVersion(record);
    QVERIFY(version);
    QCOMPARE(*version, 1);
    // A version that is not ready cannot become current.
    QVERIFY(!(*project)->setCurrentModelVersion(1));
    QVERIFY((*project)->updateModelVersion(1, QStringLiteral("ready"), {}));
    QVERIFY((*project)->setCurrentModelVersion(1));
    QCOMPARE((*project)->currentModelVersion(), 1);
}

// Redo of a judgment built by hand (no creation time) used to fail on a NOT NULL column.
void tst_Project::restoredJudgmentWithoutTimeGetsOne()
{
    QTemporaryDir dir;
    auto project = Project::create(dir.path());
    QVERIFY(project);
    const QVector<qint64> ids = addImages(**project, 3);

    Judgment judgment{7, ids[0], ids[1], ids[2], Choice::Second, {}, {}, 0, 0, {}};
    const Status status = (*project)->restoreJudgment(judgment);
    QVERIFY2(status, qPrintable(status.error()));
    QCOMPARE((*project)->judgments().first().id, 7);
    QVERIFY((*project)->judgments().first().createdAt.isValid());
}

// The GUI opens one Project per worker thread: they share the process's lock.
void tst_Project::lockIsSharedWithinProcess()
{
    QTemporaryDir dir;
    const QString lock = dir.filePath(QStringLiteral("project.lock"));
    auto first = Project::create(dir.path());
    QVERIFY(first);
    QVERIFY(QFileInfo::exists(lock));

    {
        auto second = Project::open(dir.path());
        QVERIFY2(second, qPrintable(second.error()));
        QVERIFY(!addImages(**second, 3).isEmpty());
        QVERIFY(Project::lockOwner(dir.path()).isEmpty());
    }
    // The first object still holds the lock and can still write.
    QVERIFY(QFileInfo::exists(lock));
    QVERIFY((*first)->setSetting(QStringLiteral("k"), QStringLiteral("v")));

    first->reset();
    QVERIFY(!QFileInfo::exists(lock));
}

void tst_Project::secondProcessIsRefused()
{
    QTemporaryDir dir;
    auto project = Project::create(dir.path());
    QVERIFY(project);

    QProcess helper;
    helper.start(QStringLiteral(LIKENESS_STORE_HELPER), {QStringLiteral("hold"), dir.path()});
    QVERIFY(helper.waitForFinished(60000));
    QCOMPARE(helper.exitCode(), 1);
    const QString error = QString::fromUtf8(helper.readAllStandardError());
    QVERIFY2(error.contains(QStringLiteral("process %1").arg(QCoreApplication::applicationPid())),
             qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("Close it there first")), qPrintable(error));
}

void tst_Project::lockedProjectOpensReadOnly()
{
    QTemporaryDir dir;
    {
        auto project = Project::create(dir.path());
        QVERIFY(project);
        QCOMPARE(addImages(**project, 3).size(), 3);
    }
    QProcess holder;
    QVERIFY(startHolder(holder, dir.path()));

    const auto refused = Project::open(dir.path());
    QVERIFY(!refused);
    QVERIFY2(refused.error().contains(QStringLiteral("process %1").arg(holder.processId())),
             qPrintable(refused.error()));
    QVERIFY(Project::lockOwner(dir.path()).contains(QString::number(holder.processId())));

    auto reader = Project::open(dir.path(), Project::OpenMode::ReadOnly);
    QVERIFY2(reader, qPrintable(reader.error()));
    QVERIFY((*reader)->isReadOnly());
    QCOMPARE((*reader)->imageCount(), 3);
    const Status write = (*reader)->setSetting(QStringLiteral("k"), QStringLiteral("v"));
    QVERIFY(!write);
    QVERIFY2(write.error().contains(QStringLiteral("read-only")), qPrintable(write.error()));

    // Once the other process lets go, the project opens for writing again.
    holder.closeWriteChannel();
    QVERIFY(holder.waitForFinished(60000));
    QCOMPARE(holder.exitCode(), 0);
    const auto reopened = Project::open(dir.path());
    QVERIFY2(reopened, qPrintable(reopened.error()));
}

// A process that died without closing the project leaves its lock behind.
void tst_Project::staleLockIsTakenOver()
{
    QTemporaryDir dir;
    QVERIFY(Project::create(dir.path()));
    QProcess holder;
    QVERIFY(startHolder(holder, dir.path()));
    holder.kill();
    QVERIFY(holder.waitForFinished(60000));
    QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("project.lock"))));

    const auto project = Project::open(dir.path());
    QVERIFY2(project, qPrintable(project.error()));
    QVERIFY(Project::lockOwner(dir.path()).isEmpty());
}

void tst_Project::olderSchemaIsUpgradedAfterACopy()
{
    QTemporaryDir dir;
    QVERIFY(writeSchema1Project(dir.path()));

    {
        auto project = Project::open(dir.path());
        QVERIFY2(project, qPrintable(project.error()));
        QCOMPARE((*project)->imageCount(), 3);
        QCOMPARE((*project)->labelsOfImage(1), QStringList{QStringLiteral("cat")});
        QCOMPARE((*project)->judgmentCount(), 1);
        QCOMPARE((*project)->judgments().first().choice, Choice::First);
        QSqlQuery query((*project)->database());
        QVERIFY(query.exec(QStringLiteral("SELECT description FROM labels")) && query.next());
        QCOMPARE(query.value(0).toString(), QString());

        // Schema 3: the assignment keeps where it came from, now as a change, and is counted.
        const QVector<LabelChange> changes = (*project)->labelChanges();
        QCOMPARE(changes.size(), 1);
        QCOMPARE(changes.first().source, LabelSource::Human);
        QCOMPARE(changes.first().assignments, 1);
        QCOMPARE((*project)->labels().first().imageCount, 1);
        QVERIFY((*project)->miscountedLabels().isEmpty());
        QVERIFY((*project)->addLabel({2}, QStringLiteral("cat"), LabelSource::Human, {}));
        QCOMPARE((*project)->labels().first().imageCount, 2);
    }
    QCOMPARE(userVersion(dir.filePath(QStringLiteral("project.sqlite"))),
             Project::SchemaVersion);

    // The copy is the untouched schema 1 file with all its rows.
    const QString copy = dir.filePath(QStringLiteral("project.sqlite.bak-v1"));
    QVERIFY(QFileInfo::exists(copy));
    QCOMPARE(userVersion(copy), 1);
    QCOMPARE(countRows(copy, QStringLiteral("triplets")), 1);
    QCOMPARE(countRows(copy, QStringLiteral("image_labels")), 1);

    // An up-to-date project is opened without another copy.
    QVERIFY(Project::open(dir.path()));
    QVERIFY(!QFileInfo::exists(copy + QStringLiteral("-2")));
}

// A schema 1 file that already has the column the next step adds: the step fails, and the
// whole upgrade is rolled back.
void tst_Project::failedUpgradeChangesNothing()
{
    QTemporaryDir dir;
    QVERIFY(writeSchema1Project(
        dir.path(), {QStringLiteral("ALTER TABLE labels ADD COLUMN description TEXT")}));

    const auto project = Project::open(dir.path());
    QVERIFY(!project);
    QVERIFY2(project.error().contains(QStringLiteral("Nothing was changed")),
             qPrintable(project.error()));
    QCOMPARE(userVersion(dir.filePath(QStringLiteral("project.sqlite"))), 1);
    QCOMPARE(countRows(dir.filePath(QStringLiteral("project.sqlite")),
                       QStringLiteral("triplets")), 1);
    QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("project.sqlite.bak-v1"))));
}

// A project on a read-only disk or folder can still be read, and says why it cannot be
// written. root writes through permissions, so there the folder is mounted read-only.
void tst_Project::readOnlyFolderOpensReadOnly()
{
    QTemporaryDir dir;
    const QString folder = dir.filePath(QStringLiteral("p"));
    {
        auto project = Project::create(folder);
        QVERIFY(project);
        QCOMPARE(addImages(**project, 3).size(), 3);
    }
    const bool root = QFileInfo(folder).isWritable() && ::geteuid() == 0;
    if (root) {
        if (!run(QStringLiteral("mount"), {QStringLiteral("--bind"), folder, folder})) {
            QSKIP("running as root without permission to mount a read-only folder");
        }
        QVERIFY(run(QStringLiteral("mount"),
                    {QStringLiteral("-o"), QStringLiteral("remount,bind,ro"), folder}));
    } else {
        QVERIFY(QFile::setPermissions(folder, QFile::ReadOwner | QFile::ExeOwner));
    }
    const auto restore = qScopeGuard([&] {
        if (root) {
            run(QStringLiteral("umount"), {folder});
        } else {
            QFile::setPermissions(folder, QFile::ReadOwner | QFile::WriteOwner
                                              | QFile::ExeOwner);
        }
    });

    const auto refused = Project::open(folder);
    QVERIFY(!refused);
    QVERIFY2(refused.error().contains(QStringLiteral("read-only")), qPrintable(refused.error()));
    QVERIFY2(refused.error().contains(QStringLiteral("copy the project to a writable place")),
             qPrintable(refused.error()));

    auto reader = Project::open(folder, Project::OpenMode::ReadOnly);
    QVERIFY2(reader, qPrintable(reader.error()));
    QCOMPARE((*reader)->imageCount(), 3);
    const Status write = (*reader)->setSetting(QStringLiteral("k"), QStringLiteral("v"));
    QVERIFY2(write.error().contains(QStringLiteral("writable place")), qPrintable(write.error()));
}

// A writer killed before SQLite moved its log into the database leaves committed work in
// project.sqlite-wal. A read-only folder must show that work, or refuse -- never show less.
void tst_Project::readOnlyFolderShowsWorkLeftInTheLog()
{
    if (::geteuid() != 0) {
        QSKIP("needs root to mount a folder read-only without changing its permissions");
    }
    QTemporaryDir dir;
    const QString folder = dir.filePath(QStringLiteral("p"));
    QVERIFY(Project::create(folder));
    QProcess writer;
    writer.start(QStringLiteral(LIKENESS_STORE_HELPER),
                 {QStringLiteral("write"), folder, QStringLiteral("200")});
    QVERIFY(writer.waitForFinished(120000));
    QCOMPARE(writer.exitCode(), 0);
    // The helper exited normally and checkpointed; write more and die without closing.
    QProcess killed;
    killed.start(QStringLiteral(LIKENESS_STORE_HELPER),
                 {QStringLiteral("write"), folder, QStringLiteral("0")});
    QVERIFY(killed.waitForReadyRead(60000));
    QTest::qWait(300);
    killed.kill();
    QVERIFY(killed.waitForFinished(60000));
    const QString wal = QDir(folder).filePath(QStringLiteral("project.sqlite-wal"));
    QVERIFY(QFileInfo(wal).size() > 0);
    const qint64 judgments = [&] {
        auto reader = Project::open(folder, Project::OpenMode::ReadOnly);
        return reader ? (*reader)->judgmentCount() : -1;
    }();
    QVERIFY(judgments > 200);

    QVERIFY(run(QStringLiteral("mount"), {QStringLiteral("--bind"), folder, folder}));
    const auto unmount = qScopeGuard([&] { run(QStringLiteral("umount"), {folder}); });
    QVERIFY(run(QStringLiteral("mount"),
                {QStringLiteral("-o"), QStringLiteral("remount,bind,ro"), folder}));

    {
        auto reader = Project::open(folder, Project::OpenMode::ReadOnly);
        QVERIFY2(reader, qPrintable(reader.error()));
        QCOMPARE((*reader)->judgmentCount(), judgments);
    }

    // Without the log's index SQLite cannot read the log here: a refusal that says why.
    run(QStringLiteral("umount"), {folder});
    QVERIFY(QFile::remove(QDir(folder).filePath(QStringLiteral("project.sqlite-shm"))));
    QVERIFY(run(QStringLiteral("mount"), {QStringLiteral("--bind"), folder, folder}));
    QVERIFY(run(QStringLiteral("mount"),
                {QStringLiteral("-o"), QStringLiteral("remount,bind,ro"), folder}));
    const auto refused = Project::open(folder, Project::OpenMode::ReadOnly);
    QVERIFY(!refused);
    QVERIFY2(refused.error().contains(QStringLiteral("not yet in project.sqlite")),
             qPrintable(refused.error()));
}

// SQLite reports "database or disk is full" when a database reaches its page limit: the
// same error a full disk gives, on any machine.
void tst_Project::fullDatabaseIsReportedAndLosesNothing()
{
    QTemporaryDir dir;
    QVector<qint64> stored;
    {
        auto project = Project::create(dir.path());
        QVERIFY(project);
        QSqlQuery query((*project)->database());
        QVERIFY(query.exec(QStringLiteral("PRAGMA page_count")) && query.next());
        const qint64 pages = query.value(0).toLongLong();
        QVERIFY(query.exec(QStringLiteral("PRAGMA max_page_count=%1").arg(pages + 20)));

        const QString error = fillUntilFull(**project, &stored);
        QVERIFY2(error.contains(QStringLiteral("free some space")), qPrintable(error));
        QVERIFY(!stored.isEmpty());
    }

    auto project = Project::open(dir.path());
    QVERIFY2(project, qPrintable(project.error()));
    QCOMPARE((*project)->judgmentCount(), stored.size());
    QCOMPARE((*project)->judgments().last().id, stored.last());
    QSqlQuery check((*project)->database());
    QVERIFY(check.exec(QStringLiteral("PRAGMA integrity_check")) && check.next());
    QCOMPARE(check.value(0).toString(), QStringLiteral("ok"));
}

// A real full disk: a tiny tmpfs, where mounting is allowed (root).
void tst_Project::fullDiskIsReportedAndLosesNothing()
{
    QTemporaryDir dir;
    const QString disk = dir.filePath(QStringLiteral("disk"));
    QVERIFY(QDir().mkpath(disk));
    if (::geteuid() != 0
        || !run(QStringLiteral("mount"), {QStringLiteral("-t"), QStringLiteral("tmpfs"),
                                          QStringLiteral("-o"), QStringLiteral("size=400k"),
                                          QStringLiteral("tmpfs"), disk})) {
        QSKIP("mounting a small tmpfs needs root");
    }
    const auto unmount = qScopeGuard([&] { run(QStringLiteral("umount"), {disk}); });

    const QString folder = disk + QStringLiteral("/p");
    QVector<qint64> stored;
    {
        auto project = Project::create(folder);
        QVERIFY2(project, qPrintable(project.error()));
        const QString error = fillUntilFull(**project, &stored);
        QVERIFY2(error.contains(QStringLiteral("free some space")), qPrintable(error));
    }

    // After space is freed, everything that was reported saved is there.
    QFile::remove(folder + QStringLiteral("/thumbs.sqlite"));
    auto project = Project::open(folder);
    QVERIFY2(project, qPrintable(project.error()));
    QCOMPARE((*project)->judgmentCount(), stored.size());
    QSqlQuery check((*project)->database());
    QVERIFY(check.exec(QStringLiteral("PRAGMA integrity_check")) && check.next());
    QCOMPARE(check.value(0).toString(), QStringLiteral("ok"));
}

// A run whose process was killed used to stay "training" for ever.
void tst_Project::deadTrainingRunIsMarkedInterrupted()
{
    QTemporaryDir dir;
    {
        auto project = Project::create(dir.path());
        QVERIFY(project);
        ModelVersionRecord alive;
        alive.backbone = QStringLiteral("convnet");
        alive.status = QStringLiteral("training");
        alive.metrics = trainingProcessMarker();
        QVERIFY((*project)->addModelVersion(alive));

        // A finished child process gives a pid that is certainly no longer running.
        QProcess child;
        child.start(QStringLiteral("true"), QStringList());
        QVERIFY(child.waitForStarted());
        const qint64 pid = child.processId();
        QVERIFY(child.waitForFinished());
        ModelVersionRecord dead = alive;
        dead.metrics.insert(QStringLiteral("pid"), pid);
        QVERIFY((*project)->addModelVersion(dead));
    }

    auto reopened = Project::open(dir.path());
    QVERIFY(reopened);
    QCOMPARE((*reopened)->modelVersion(1)->status, QStringLiteral("training"));
    QCOMPARE((*reopened)->modelVersion(2)->status, QStringLiteral("interrupted"));
}

QTEST_GUILESS_MAIN(tst_Project)
#include "tst_project.moc"
