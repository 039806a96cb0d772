// Store benchmark: builds a large synthetic project through Project and the same data through
// the sqlite3 C API directly (the floor: what SQLite itself allows with this schema and the
// same statements, without Qt or the store around them), then times the store's hot paths on
// both and prints them side by side.
//
//   bench_store [--images N] [--assignments M] [--dir DIR] [--seed S]
//
// The data are fixed by the seed: N images, 11,000 labels whose frequencies follow Zipf's law
// (the label of rank k is drawn with weight 1/k) and M distinct (image, label) assignments,
// spread evenly over the images. Both databases use the same tables, indexes and pragmas.

#include "benchstats.h"
#include "store/project.h"
#include "store/schema.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTextStream>

#include <sqlite3.h>

#include <algorithm>
#include <functional>
#include <map>
#include <random>

using namespace likeness;

namespace {

constexpr int LabelCount = 11000;
constexpr int LookupCount = 1000;
constexpr int PageSize = 200;
constexpr int PageLookups = 100;
constexpr int BatchRows = 100000;

// The pragmas Project sets on a writable connection.
const char *const FloorPragmas[] = {
    "PRAGMA journal_mode=WAL",   "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON",
    "PRAGMA temp_store=MEMORY", "PRAGMA cache_size=-65536",
};

const char *const PageQuery =
    "SELECT i.id, i.path FROM image_labels il JOIN images i ON i.id = il.image_id"
    " WHERE il.label_id = ? ORDER BY il.image_id LIMIT 200";
const char *const FirstImagesQuery =
    "SELECT id, path, content_hash, width, height, bytes, mtime, status, error"
    " FROM images ORDER BY id LIMIT 200";
// What Project::labelCounts() and Project::labels() run.
const char *const CountQuery = "SELECT label_id, images FROM label_counts";
const char *const LabelListQuery =
    "SELECT l.id, l.name, coalesce(c.images, 0) FROM labels l"
    " LEFT JOIN label_counts c ON c.label_id = l.id ORDER BY l.name";

struct Data
{
    QVector<ImageRecord> images;
    QStringList labelNames;                 // rank order: index 0 is the most frequent
    QVector<QPair<qint64, qint64>> pairs;   // (image index + 1, label rank + 1), sorted
    QVector<qint64> lookupImages;           // image index + 1, drawn uniformly
    QVector<qint64> pageLabels;             // label rank + 1, drawn by frequency
};

struct Metrics
{
    double insertRowsPerSecond = 0;
    double labelsOfImageUs = 0;
    double pageMs = 0;
    double countsMs = 0;
    double labelListMs = 0;
    double openMs = 0;
    double bytesPerAssignment = 0;
};

double elapsedMs(const QElapsedTimer &timer)
{
    return timer.nsecsElapsed() / 1e6;
}

Data generate(qint64 imageCount, qint64 assignmentCount, quint64 seed)
{
    std::mt19937_64 random(seed);
    Data data;

    data.images.reserve(imageCount);
    for (qint64 i = 0; i < imageCount; ++i) {
        ImageRecord record;
        record.path = QStringLiteral("/photos/%1/%2.jpg").arg(i / 1000, 4, 10, QLatin1Char('0'))
                          .arg(i, 8, 10, QLatin1Char('0'));
        record.contentHash = QString::number(random(), 16).rightJustified(16, QLatin1Char('0'))
                                 .repeated(4);
        record.width = 640 + int(random() % 4000);
        record.height = 480 + int(random() % 3000);
        record.bytes = 50000 + qint64(random() % 8000000);
        record.mtime = 1600000000000 + qint64(random() % 100000000000);
        record.status = ImageStatus::Ok;
        data.images.append(record);
    }

    std::vector<double> weights(LabelCount);
    for (int rank = 0; rank < LabelCount; ++rank) {
        weights[rank] = 1.0 / (rank + 1);
        data.labelNames.append(QStringLiteral("label %1").arg(rank + 1, 5, 10, QLatin1Char('0')));
    }
    std::discrete_distribution<int> zipf(weights.begin(), weights.end());

    // Each image gets its share of the assignments, as distinct labels drawn by frequency.
    data.pairs.reserve(assignmentCount);
    const qint64 perImage = imageCount ? assignmentCount / imageCount : 0;
    const qint64 extra = imageCount ? assignmentCount % imageCount : 0;
    QVector<qint64> labels;
    for (qint64 i = 0; i < imageCount; ++i) {
        const qint64 wanted = std::min<qint64>(perImage + (i < extra ? 1 : 0), LabelCount / 2);
        labels.clear();
        while (labels.size() < wanted) {
            const qint64 label = zipf(random) + 1;
            if (!labels.contains(label)) {
                labels.append(label);
            }
        }
        std::sort(labels.begin(), labels.end());
        for (qint64 label : std::as_const(labels)) {
            data.pairs.append({i + 1, label});
        }
    }

    std::uniform_int_distribution<qint64> anyImage(1, std::max<qint64>(1, imageCount));
    for (int i = 0; i < LookupCount; ++i) {
        data.lookupImages.append(anyImage(random));
    }
    for (int i = 0; i < PageLookups; ++i) {
        data.pageLabels.append(zipf(random) + 1);
    }
    return data;
}

// Bytes in a database and its write-ahead log.
qint64 databaseBytes(const QString &file)
{
    return QFileInfo(file).size() + QFileInfo(file + QStringLiteral("-wal")).size();
}

QString fail(const QString &what)
{
    QTextStream(stderr) << "bench_store: " << what << Qt::endl;
    return what;
}

// --- Likeness: everything through Project and its Qt SQL connection. ---

bool checkpoint(Project &project)
{
    QSqlQuery query(project.database());
    return query.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
}

QString measureLikeness(const QString &folder, Data &data, Metrics *metrics)
{
    Result<std::unique_ptr<Project>> created = Project::create(folder);
    if (!created) {
        return fail(created.error());
    }
    Project &project = **created;
    const QString file = project.filePath(QStringLiteral("project.sqlite"));

    if (Status status = project.upsertImages(data.images); !status) {
        return fail(status.error());
    }
    const Status labelled = project.transaction([&]() -> Status {
        for (const QString &name : std::as_const(data.labelNames)) {
            if (Result<qint64> id = project.labelId(name, true); !id) {
                return Status::failure(id.error());
            }
        }
        return Status();
    });
    if (!labelled) {
        return fail(labelled.error());
    }
    checkpoint(project);
    const qint64 bytesBefore = databaseBytes(file);

    QElapsedTimer timer;
    timer.start();
    if (Status status = project.addLabelAssignments(data.pairs, LabelSource::Imported); !status) {
        return fail(status.error());
    }
    metrics->insertRowsPerSecond = data.pairs.size() / (elapsedMs(timer) / 1000);
    checkpoint(project);
    metrics->bytesPerAssignment = double(databaseBytes(file) - bytesBefore) / data.pairs.size();

    QVector<double> lookups;
    for (qint64 image : std::as_const(data.lookupImages)) {
        timer.start();
        const QStringList names = project.labelsOfImage(image);
        lookups.append(timer.nsecsElapsed() / 1e3);
    }
    metrics->labelsOfImageUs = bench::median(lookups);

    QSqlQuery page(project.database());
    page.setForwardOnly(true);
    page.prepare(QString::fromLatin1(PageQuery));
    QVector<double> pages;
    for (qint64 label : std::as_const(data.pageLabels)) {
        timer.start();
        page.addBindValue(label);
        page.exec();
        QStringList paths;
        while (page.next()) {
            paths.append(page.value(1).toString());
        }
        pages.append(elapsedMs(timer));
    }
    metrics->pageMs = bench::median(pages);

    timer.start();
    const QVector<QPair<qint64, qint64>> counted = project.labelCounts();
    metrics->countsMs = elapsedMs(timer);
    timer.start();
    const QVector<LabelRecord> listed = project.labels();
    metrics->labelListMs = elapsedMs(timer);
    if (listed.size() != LabelCount || counted.size() > LabelCount) {
        return fail(QStringLiteral("Listed %1 labels instead of %2.").arg(listed.size())
                        .arg(LabelCount));
    }

    created->reset();
    timer.start();
    Result<std::unique_ptr<Project>> opened = Project::open(folder);
    if (!opened) {
        return fail(opened.error());
    }
    const QVector<ImageRecord> first = (*opened)->images(0, PageSize);
    metrics->openMs = elapsedMs(timer);
    return first.size() == std::min<qint64>(PageSize, data.images.size())
        ? QString()
        : fail(QStringLiteral("Read %1 images after opening.").arg(first.size()));
}

// --- The floor: the sqlite3 C API with prepared statements. ---

class Floor
{
public:
    ~Floor() { close(); }

    bool open(const QString &file)
    {
        return sqlite3_open_v2(file.toUtf8().constData(), &m_db,
                               SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr)
            == SQLITE_OK;
    }

    void close()
    {
        sqlite3_close_v2(m_db);
        m_db = nullptr;
    }

    bool exec(const char *sql)
    {
        if (sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
            fail(QStringLiteral("%1: %2").arg(QLatin1String(sql), error()));
            return false;
        }
        return true;
    }

    sqlite3_stmt *prepare(const char *sql)
    {
        sqlite3_stmt *statement = nullptr;
        if (sqlite3_prepare_v2(m_db, sql, -1, &statement, nullptr) != SQLITE_OK) {
            fail(QStringLiteral("%1: %2").arg(QLatin1String(sql), error()));
        }
        return statement;
    }

    // Runs step(i) for i in [0, count) in transactions of BatchRows.
    bool batched(qint64 count, const std::function<bool(qint64)> &step)
    {
        for (qint64 begin = 0; begin < count; begin += BatchRows) {
            if (!exec("BEGIN IMMEDIATE")) {
                return false;
            }
            for (qint64 i = begin; i < std::min(count, begin + BatchRows); ++i) {
                if (!step(i)) {
                    fail(error());
                    return false;
                }
            }
            if (!exec("COMMIT")) {
                return false;
            }
        }
        return true;
    }

    QString error() const { return QString::fromUtf8(sqlite3_errmsg(m_db)); }

private:
    sqlite3 *m_db = nullptr;
};

bool stepDone(sqlite3_stmt *statement)
{
    const bool done = sqlite3_step(statement) == SQLITE_DONE;
    sqlite3_reset(statement);
    return done;
}

void bindText(sqlite3_stmt *statement, int index, const QByteArray &text)
{
    sqlite3_bind_text(statement, index, text.constData(), int(text.size()), SQLITE_TRANSIENT);
}

QString measureFloor(const QString &file, const Data &data, Metrics *metrics)
{
    Floor floor;
    if (!floor.open(file)) {
        return fail(QStringLiteral("Cannot create %1").arg(file));
    }
    for (const char *sql : FloorPragmas) {
        floor.exec(sql);
    }
    // The floor gets exactly the store's schema, every step of it.
    for (const SchemaStep &step : schemaSteps()) {
        for (const QString &sql : step.statements) {
            if (!floor.exec(sql.toUtf8().constData())) {
                return QStringLiteral("schema");
            }
        }
    }

    sqlite3_stmt *image = floor.prepare(
        "INSERT INTO images(path, content_hash, width, height, bytes, mtime, status, error)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, '')");
    const bool imaged = floor.batched(data.images.size(), [&](qint64 i) {
        const ImageRecord &record = data.images.at(i);
        bindText(image, 1, record.path.toUtf8());
        bindText(image, 2, record.contentHash.toUtf8());
        sqlite3_bind_int(image, 3, record.width);
        sqlite3_bind_int(image, 4, record.height);
        sqlite3_bind_int64(image, 5, record.bytes);
        sqlite3_bind_int64(image, 6, record.mtime);
        bindText(image, 7, record.status.toUtf8());
        return stepDone(image);
    });
    sqlite3_finalize(image);
    sqlite3_stmt *label = floor.prepare("INSERT INTO labels(name) VALUES (?)");
    const bool labelled = floor.batched(data.labelNames.size(), [&](qint64 i) {
        bindText(label, 1, data.labelNames.at(i).toUtf8());
        return stepDone(label);
    });
    sqlite3_finalize(label);
    if (!imaged || !labelled) {
        return QStringLiteral("fill");
    }
    floor.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const qint64 bytesBefore = databaseBytes(file);

    // The same bulk load as the store's: one transaction, one change, the by-label index and
    // the count triggers suspended, rows in key order, counts added per label at the end. The
    // floor knows its ids are valid, so it neither checks foreign keys nor scans for them.
    QElapsedTimer timer;
    timer.start();
    QVector<QByteArray> load = {"PRAGMA foreign_keys=OFF", "BEGIN IMMEDIATE",
                                "INSERT INTO label_changes(action, source) VALUES ('add', 'x')"};
    for (const QString &sql : bulkLabelStatements().suspend) {
        load.append(sql.toUtf8());
    }
    for (const QByteArray &sql : std::as_const(load)) {
        if (!floor.exec(sql.constData())) {
            return QStringLiteral("suspend");
        }
    }
    sqlite3_stmt *assign = floor.prepare(
        "INSERT OR IGNORE INTO image_labels(image_id, label_id, change_id) VALUES (?, ?, 1)");
    std::map<qint64, qint64> perLabel;
    for (const QPair<qint64, qint64> &pair : std::as_const(data.pairs)) {
        sqlite3_bind_int64(assign, 1, pair.first);
        sqlite3_bind_int64(assign, 2, pair.second);
        if (!stepDone(assign)) {
            return fail(floor.error());
        }
        ++perLabel[pair.second];
    }
    sqlite3_finalize(assign);
    sqlite3_stmt *count = floor.prepare("INSERT INTO label_counts(label_id, images) VALUES (?, ?)");
    for (const auto &[label, images] : perLabel) {
        sqlite3_bind_int64(count, 1, label);
        sqlite3_bind_int64(count, 2, images);
        if (!stepDone(count)) {
            return fail(floor.error());
        }
    }
    sqlite3_finalize(count);
    for (const QString &sql : bulkLabelStatements().resume) {
        if (!floor.exec(sql.toUtf8().constData())) {
            return QStringLiteral("resume");
        }
    }
    if (!floor.exec("COMMIT") || !floor.exec("PRAGMA foreign_keys=ON")) {
        return QStringLiteral("assignments");
    }
    metrics->insertRowsPerSecond = data.pairs.size() / (elapsedMs(timer) / 1000);
    floor.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    metrics->bytesPerAssignment = double(databaseBytes(file) - bytesBefore) / data.pairs.size();

    sqlite3_stmt *ofImage = floor.prepare(
        "SELECT l.name FROM image_labels il JOIN labels l ON l.id = il.label_id"
        " WHERE il.image_id = ? ORDER BY l.name");
    QVector<double> lookups;
    for (qint64 id : std::as_const(data.lookupImages)) {
        timer.start();
        sqlite3_bind_int64(ofImage, 1, id);
        QStringList names;
        while (sqlite3_step(ofImage) == SQLITE_ROW) {
            names.append(QString::fromUtf8(
                reinterpret_cast<const char *>(sqlite3_column_text(ofImage, 0))));
        }
        sqlite3_reset(ofImage);
        lookups.append(timer.nsecsElapsed() / 1e3);
    }
    sqlite3_finalize(ofImage);
    metrics->labelsOfImageUs = bench::median(lookups);

    sqlite3_stmt *page = floor.prepare(PageQuery);
    QVector<double> pages;
    for (qint64 labelId : std::as_const(data.pageLabels)) {
        timer.start();
        sqlite3_bind_int64(page, 1, labelId);
        QStringList paths;
        while (sqlite3_step(page) == SQLITE_ROW) {
            paths.append(QString::fromUtf8(
                reinterpret_cast<const char *>(sqlite3_column_text(page, 1))));
        }
        sqlite3_reset(page);
        pages.append(elapsedMs(timer));
    }
    sqlite3_finalize(page);
    metrics->pageMs = bench::median(pages);

    timer.start();
    sqlite3_stmt *counts = floor.prepare(CountQuery);
    QVector<QPair<qint64, qint64>> counted;
    while (sqlite3_step(counts) == SQLITE_ROW) {
        counted.append({sqlite3_column_int64(counts, 0), sqlite3_column_int64(counts, 1)});
    }
    sqlite3_finalize(counts);
    metrics->countsMs = elapsedMs(timer);

    timer.start();
    sqlite3_stmt *list = floor.prepare(LabelListQuery);
    QVector<LabelRecord> listed;
    while (sqlite3_step(list) == SQLITE_ROW) {
        listed.append({sqlite3_column_int64(list, 0),
                       QString::fromUtf8(
                           reinterpret_cast<const char *>(sqlite3_column_text(list, 1))),
                       sqlite3_column_int64(list, 2)});
    }
    sqlite3_finalize(list);
    metrics->labelListMs = elapsedMs(timer);

    floor.close();
    timer.start();
    Floor reopened;
    if (!reopened.open(file)) {
        return fail(QStringLiteral("Cannot reopen %1").arg(file));
    }
    for (const char *sql : FloorPragmas) {
        reopened.exec(sql);
    }
    sqlite3_stmt *first = reopened.prepare(FirstImagesQuery);
    int rows = 0;
    while (sqlite3_step(first) == SQLITE_ROW) {
        ++rows;
    }
    sqlite3_finalize(first);
    metrics->openMs = elapsedMs(timer);
    return rows > 0 || data.images.isEmpty() ? QString() : fail(QStringLiteral("No images."));
}

// --- The table. ---

struct Row
{
    QString metric;
    double likeness;
    double floor;
    bool higherIsBetter;
    QString goal;
    bool met;
};

void printTable(const QVector<Row> &rows, qint64 images, qint64 assignments)
{
    QTextStream out(stdout);
    out << "Store benchmark: " << images << " images, " << LabelCount << " labels (Zipf), "
        << assignments << " label assignments\n\n";
    out << QStringLiteral("%1 | %2 | %3 | %4 | %5\n")
               .arg(QStringLiteral("metric"), -34)
               .arg(QStringLiteral("Likeness"), 12)
               .arg(QStringLiteral("SQLite floor"), 12)
               .arg(QStringLiteral("ratio"), 6)
               .arg(QStringLiteral("goal"));
    out << QString(34, QLatin1Char('-')) << "-|-" << QString(12, QLatin1Char('-')) << "-|-"
        << QString(12, QLatin1Char('-')) << "-|-" << QString(6, QLatin1Char('-')) << "-|-"
        << QString(28, QLatin1Char('-')) << '\n';
    for (const Row &row : rows) {
        // The ratio says how many times worse than the floor Likeness is.
        const double ratio = row.higherIsBetter ? row.floor / row.likeness
                                                : row.likeness / row.floor;
        out << QStringLiteral("%1 | %2 | %3 | %4 | %5 %6\n")
                   .arg(row.metric, -34)
                   .arg(row.likeness, 12, 'f', 1)
                   .arg(row.floor, 12, 'f', 1)
                   .arg(ratio, 6, 'f', 2)
                   .arg(row.goal.isEmpty() ? QStringLiteral("(no goal)") : row.goal)
                   .arg(row.goal.isEmpty() ? QString()
                        : row.met          ? QStringLiteral("(met)")
                                           : QStringLiteral("(MISSED)"));
    }
    out.flush();
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("bench_store"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Times the project store against SQLite used directly, on synthetic data."));
    parser.addHelpOption();
    const QCommandLineOption imagesOption(QStringLiteral("images"),
                                          QStringLiteral("Number of images."),
                                          QStringLiteral("N"), QStringLiteral("1000000"));
    const QCommandLineOption assignmentsOption(QStringLiteral("assignments"),
                                               QStringLiteral("Number of label assignments."),
                                               QStringLiteral("M"), QStringLiteral("10000000"));
    const QCommandLineOption dirOption(
        QStringLiteral("dir"),
        QStringLiteral("Folder for the two databases (default: a temporary folder, removed)."),
        QStringLiteral("DIR"));
    const QCommandLineOption seedOption(QStringLiteral("seed"), QStringLiteral("Random seed."),
                                        QStringLiteral("S"), QStringLiteral("20261203"));
    parser.addOptions({imagesOption, assignmentsOption, dirOption, seedOption});
    parser.process(app);

    const qint64 images = parser.value(imagesOption).toLongLong();
    const qint64 assignments = parser.value(assignmentsOption).toLongLong();
    if (images <= 0 || assignments <= 0 || assignments > images * (LabelCount / 2)) {
        QTextStream(stderr) << "bench_store: --images and --assignments must be positive, with"
                               " at most 5,500 assignments per image." << Qt::endl;
        return 2;
    }

    // Both databases go in a fresh folder, so neither run finds the other's pages cached.
    QTemporaryDir temporary;
    QString dir = temporary.path();
    if (parser.isSet(dirOption)) {
        dir = QDir(parser.value(dirOption)).absoluteFilePath(
            QStringLiteral("bench-%1").arg(QCoreApplication::applicationPid()));
        if (!QDir().mkpath(dir)) {
            QTextStream(stderr) << "bench_store: cannot create " << dir << Qt::endl;
            return 1;
        }
    }

    QTextStream err(stderr);
    err << "Generating data..." << Qt::endl;
    Data data = generate(images, assignments, parser.value(seedOption).toULongLong());
    err << "Likeness store in " << dir << "/project ..." << Qt::endl;
    Metrics likeness;
    if (!measureLikeness(QDir(dir).filePath(QStringLiteral("project")), data, &likeness)
             .isEmpty()) {
        return 1;
    }
    err << "SQLite floor in " << dir << "/floor.sqlite ..." << Qt::endl;
    Metrics floor;
    if (!measureFloor(QDir(dir).filePath(QStringLiteral("floor.sqlite")), data, &floor)
             .isEmpty()) {
        return 1;
    }

    const QVector<Row> rows = {
        {QStringLiteral("bulk assignment insert (rows/s)"), likeness.insertRowsPerSecond,
         floor.insertRowsPerSecond, true, QStringLiteral("≥ 1M rows/s, within 1.5× of floor"),
         likeness.insertRowsPerSecond >= 1e6
             && likeness.insertRowsPerSecond * 1.5 >= floor.insertRowsPerSecond},
        {QStringLiteral("labels of one image (µs, median)"), likeness.labelsOfImageUs,
         floor.labelsOfImageUs, false, QStringLiteral("≤ 50 µs"),
         likeness.labelsOfImageUs <= 50},
        {QStringLiteral("page of 200 images of a label (ms)"), likeness.pageMs, floor.pageMs,
         false, QStringLiteral("≤ 1 ms"), likeness.pageMs <= 1},
        {QStringLiteral("counts of all labels (ms)"), likeness.countsMs, floor.countsMs, false,
         QStringLiteral("≤ 5 ms"), likeness.countsMs <= 5},
        {QStringLiteral("label list: names + counts (ms)"), likeness.labelListMs,
         floor.labelListMs, false, QString(), true},
        {QStringLiteral("open + first 200 images (ms)"), likeness.openMs, floor.openMs, false,
         QStringLiteral("< 1 s"), likeness.openMs < 1000},
        {QStringLiteral("bytes per assignment on disk"), likeness.bytesPerAssignment,
         floor.bytesPerAssignment, false, QStringLiteral("≤ 25 B"),
         likeness.bytesPerAssignment <= 25},
    };
    printTable(rows, images, data.pairs.size());
    return 0;
}
