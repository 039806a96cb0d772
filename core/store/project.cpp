#include "project.h"

#include "logging.h"
#include "schema.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLockFile>
#include <QMutex>
#include <QScopeGuard>
#include <QSet>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QStorageInfo>
#include <QSysInfo>
#include <QThread>
#include <QUrl>
#include <QVariant>

#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <map>

namespace likeness {

namespace {

const QString DatabaseFile = QStringLiteral("project.sqlite");
const QString CacheFile = QStringLiteral("thumbs.sqlite");
const QString LockFile = QStringLiteral("project.lock");

// SQLite's primary result codes (sqlite3.h) for the errors explained to the user.
constexpr int SqliteReadOnly = 8;
constexpr int SqliteFull = 13;

QString describeOwner(const QLockFile &lock)
{
    qint64 pid = 0;
    QString host;
    QString application;
    if (!lock.getLockInfo(&pid, &host, &application)) {
        return QStringLiteral("another program");
    }
    return QStringLiteral("%1 (process %2 on %3)")
        .arg(application.isEmpty() ? QStringLiteral("another program") : application)
        .arg(pid)
        .arg(host.isEmpty() ? QStringLiteral("an unknown host") : host);
}

// The folder locks this process holds, each shared by every Project object of the process
// that has the folder open for writing (the GUI opens one per thread). Counting users here
// rather than giving each object its own QLockFile keeps one process from locking itself out.
class LockRegistry
{
public:
    static LockRegistry &instance()
    {
        static LockRegistry registry;
        return registry;
    }

    // Adds a user of the folder's lock, taking the lock on the first one.
    Status acquire(const QString &key, const QString &folder)
    {
        QMutexLocker locker(&m_mutex);
        auto it = m_locks.find(key);
        if (it != m_locks.end()) {
            ++it->second.users;
            return {};
        }

        auto lock = std::make_unique<QLockFile>(QDir(folder).filePath(LockFile));
        // A live owner's lock never goes stale by age: the GUI keeps a project open for days.
        lock->setStaleLockTime(0);
        if (!lock->tryLock(0)) {
            return Status::failure(lockError(*lock, folder));
        }
        qCDebug(lcStore) << "locked" << folder;
        m_locks.emplace(key, Entry{std::move(lock), 1});
        return {};
    }

    void release(const QString &key)
    {
        QMutexLocker locker(&m_mutex);
        auto it = m_locks.find(key);
        Q_ASSERT(it != m_locks.end());
        if (it != m_locks.end() && --it->second.users == 0) {
            m_locks.erase(it);
        }
    }

    bool heldHere(const QString &key)
    {
        QMutexLocker locker(&m_mutex);
        return m_locks.find(key) != m_locks.end();
    }

private:
    struct Entry
    {
        std::unique_ptr<QLockFile> file;
        int users = 0;
    };

    static QString lockError(const QLockFile &lock, const QString &folder)
    {
        switch (lock.error()) {
        case QLockFile::LockFailedError:
            return QStringLiteral("%1 is open for writing in %2. Close it there first (or "
                                  "open the project read-only). If that program no longer "
                                  "runs, delete %3.")
                .arg(folder, describeOwner(lock), QDir(folder).filePath(LockFile));
        case QLockFile::PermissionError:
            return QStringLiteral("Cannot write to the project folder %1 (it is read-only "
                                  "or you lack permission). Likeness must write there to "
                                  "keep your work: copy the project to a writable place, "
                                  "or open it read-only.").arg(folder);
        case QLockFile::NoError:
        case QLockFile::UnknownError:
            break;
        }
        return QStringLiteral("Cannot create %1 (is the disk full?).")
            .arg(QDir(folder).filePath(LockFile));
    }

    QMutex m_mutex;
    std::map<QString, Entry> m_locks; // guarded by m_mutex
};

// path itself when nothing is there yet, else path-2, path-3, ...
QString freeFileName(const QString &path)
{
    QString candidate = path;
    for (int n = 2; QFileInfo::exists(candidate); ++n) {
        candidate = path + QStringLiteral("-%1").arg(n);
    }
    return candidate;
}

// Processes of one host see one folder under one key, however the path was written.
QString lockKey(const QString &folder)
{
    const QString canonical = QFileInfo(folder).canonicalFilePath();
    return canonical.isEmpty() ? QFileInfo(folder).absoluteFilePath() : canonical;
}

// SQLite's own words, and for the errors a person can do something about, what to do.
QString sqlError(const QSqlQuery &query)
{
    const QSqlError error = query.lastError();
    const int code = error.nativeErrorCode().toInt();
    if (code == SqliteFull) {
        return QStringLiteral("%1. The disk holding the project is full: free some space and "
                              "try again. Everything saved before this is kept.")
            .arg(error.text());
    }
    if (code == SqliteReadOnly) {
        return QStringLiteral("%1. The project can no longer be written (a read-only folder "
                              "or disk?): copy it to a writable place.").arg(error.text());
    }
    return error.text();
}

// The connection's own sqlite3 handle, for the few paths where QSqlQuery's per-row cost is
// most of the time. QSQLITE hands it out as a QVariant holding "sqlite3*".
sqlite3 *sqliteHandle(const QSqlDatabase &db)
{
    const QVariant handle = db.driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0) {
        return nullptr;
    }
    return *static_cast<sqlite3 *const *>(handle.constData());
}

QString sqliteError(sqlite3 *handle, int code)
{
    const QString text = QString::fromUtf8(sqlite3_errmsg(handle));
    if ((code & 0xff) == SQLITE_FULL) {
        return QStringLiteral("%1. The disk holding the project is full: free some space and "
                              "try again. Everything saved before this is kept.").arg(text);
    }
    return text;
}

Status exec(QSqlDatabase db, const QString &sql)
{
    QSqlQuery query(db);
    if (!query.exec(sql)) {
        return Status::failure(QStringLiteral("SQL failed (%1): %2").arg(sql.left(60),
                                                                       sqlError(query)));
    }
    return {};
}

// Each cached row names the content it was made from: a row whose image now has other
// content (or no longer exists, say after a restore) is stale, never shown as that image.
const char *const CacheSchema[] = {
    "CREATE TABLE IF NOT EXISTS thumbnails (image_id INTEGER PRIMARY KEY, png BLOB NOT NULL,"
    " model_input BLOB NOT NULL, content_hash TEXT NOT NULL DEFAULT '')",
};

// QtSql binds a null QString as SQL NULL; text columns of the schema are NOT NULL.
QString text(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

QString newConnectionName()
{
    static QAtomicInteger<quint64> counter = 0;
    return QStringLiteral("likeness-%1").arg(counter.fetchAndAddRelaxed(1));
}

ImageRecord imageFromQuery(const QSqlQuery &query)
{
    ImageRecord record;
    record.id = query.value(0).toLongLong();
    record.path = query.value(1).toString();
    record.contentHash = query.value(2).toString();
    record.width = query.value(3).toInt();
    record.height = query.value(4).toInt();
    record.bytes = query.value(5).toLongLong();
    record.status = query.value(6).toString();
    record.error = query.value(7).toString();
    record.mtime = query.value(8).toLongLong();
    return record;
}

const QString ImageColumns = QStringLiteral(
    "id, path, content_hash, width, height, bytes, status, error, mtime");

} // namespace

QString choiceName(Choice choice)
{
    switch (choice) {
    case Choice::First:
        return QStringLiteral("first");
    case Choice::Second:
        return QStringLiteral("second");
    case Choice::Tie:
        return QStringLiteral("tie");
    case Choice::Skip:
        return QStringLiteral("skip");
    }
    return QStringLiteral("skip");
}

std::optional<Choice> choiceFromName(const QString &name)
{
    for (Choice choice : {Choice::First, Choice::Second, Choice::Tie, Choice::Skip}) {
        if (choiceName(choice) == name) {
            return choice;
        }
    }
    return std::nullopt;
}

QJsonObject trainingProcessMarker()
{
    return {{QStringLiteral("pid"), QCoreApplication::applicationPid()},
            {QStringLiteral("host"), QSysInfo::machineHostName()}};
}

void Project::markInterruptedRuns()
{
    QVector<int> interrupted;
    for (const ModelVersionRecord &record : modelVersions()) {
        if (record.status != QStringLiteral("training")) {
            continue;
        }
        const qint64 pid = record.metrics.value(QStringLiteral("pid")).toInteger();
        const bool sameHost = record.metrics.value(QStringLiteral("host")).toString()
                              == QSysInfo::machineHostName();
        // kill(pid, 0) sends nothing; ESRCH says no such process exists any more.
        if (sameHost && (pid <= 0 || (::kill(pid_t(pid), 0) != 0 && errno == ESRCH))) {
            interrupted.append(record.version);
        }
    }
    for (int version : std::as_const(interrupted)) {
        const QJsonObject reason{{QStringLiteral("error"),
                                  QStringLiteral("The training process ended before the run "
                                                 "finished (killed or crashed).")}};
        if (updateModelVersion(version, QStringLiteral("interrupted"), reason)) {
            qCInfo(lcStore) << "model version" << version << "was interrupted";
        }
    }
}

Project::~Project()
{
    m_db.close();
    m_cache.close();
    m_db = QSqlDatabase();
    m_cache = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
    QSqlDatabase::removeDatabase(m_connectionName + QStringLiteral("-cache"));

    if (!m_lockKey.isEmpty()) {
        LockRegistry::instance().release(m_lockKey);
    }
}

QString Project::lockOwner(const QString &folder)
{
    if (LockRegistry::instance().heldHere(lockKey(folder))) {
        return {};
    }
    QLockFile lock(QDir(folder).filePath(LockFile));
    lock.setStaleLockTime(0);
    if (lock.tryLock(0)) {
        lock.unlock();
        return {};
    }
    return lock.error() == QLockFile::LockFailedError ? describeOwner(lock) : QString();
}

bool Project::isProject(const QString &folder)
{
    return QFileInfo::exists(QDir(folder).filePath(DatabaseFile));
}

Result<std::unique_ptr<Project>> Project::create(const QString &folder)
{
    if (isProject(folder)) {
        return Result<std::unique_ptr<Project>>::failure(
            QStringLiteral("%1 already holds a Likeness project; open it instead.").arg(folder));
    }
    if (!QDir().mkpath(folder)) {
        return Result<std::unique_ptr<Project>>::failure(
            QStringLiteral("Cannot create the folder %1: check that its parent exists and "
                           "is writable.").arg(folder));
    }

    std::unique_ptr<Project> project(new Project);
    project->m_folder = QFileInfo(folder).absoluteFilePath();
    const QString key = lockKey(folder);
    if (Status status = LockRegistry::instance().acquire(key, project->m_folder); !status) {
        return Result<std::unique_ptr<Project>>::failure(status.error());
    }
    project->m_lockKey = key;
    if (Status status = project->openConnections(true); !status) {
        return Result<std::unique_ptr<Project>>::failure(status.error());
    }
    qCInfo(lcStore) << "created project" << project->m_folder;
    return project;
}

Result<std::unique_ptr<Project>> Project::open(const QString &folder)
{
    return open(folder, OpenMode::ReadWrite);
}

Result<std::unique_ptr<Project>> Project::open(const QString &folder, OpenMode mode)
{
    if (!isProject(folder)) {
        return Result<std::unique_ptr<Project>>::failure(
            QStringLiteral("%1 is not a Likeness project (no %2 in it). Create one with "
                           "'likeness-cli init %1'.").arg(folder, DatabaseFile));
    }

    // SQLite would take an empty file for a new database and open an empty project; an empty
    // project.sqlite with no log beside it has lost its contents.
    const QDir dir(folder);
    if (QFileInfo(dir.filePath(DatabaseFile)).size() == 0
        && QFileInfo(dir.filePath(DatabaseFile + QStringLiteral("-wal"))).size() == 0) {
        return Result<std::unique_ptr<Project>>::failure(
            QStringLiteral("%1 is empty: the project's database has lost its contents. Restore "
                           "it from a backup ('likeness-cli restore BACKUP %2') or from a "
                           "project.sqlite.bak-* copy beside it.")
                .arg(dir.filePath(DatabaseFile), folder));
    }

    std::unique_ptr<Project> project(new Project);
    project->m_folder = QFileInfo(folder).absoluteFilePath();
    project->m_readOnly = mode == OpenMode::ReadOnly;
    if (!project->m_readOnly) {
        const QString key = lockKey(folder);
        if (Status status = LockRegistry::instance().acquire(key, project->m_folder); !status) {
            return Result<std::unique_ptr<Project>>::failure(status.error());
        }
        project->m_lockKey = key;
    }

    if (Status status = project->openConnections(false); !status) {
        return Result<std::unique_ptr<Project>>::failure(status.error());
    }
    if (!project->m_readOnly) {
        project->markInterruptedRuns();
    }
    return project;
}

// What a failure to open project.sqlite means for a person, with what to do about it.
QString Project::openFailureAdvice(const Status &status) const
{
    const QString error = status.error();
    if (error.contains(QStringLiteral("file is not a database"))) {
        return QStringLiteral("%1. It is not a SQLite database any more (damaged or replaced): "
                              "restore it from a backup ('likeness-cli restore BACKUP %2') or "
                              "from a project.sqlite.bak-* copy beside it.").arg(error, m_folder);
    }
    const QStorageInfo disk(m_folder);
    if (disk.isValid() && disk.bytesAvailable() < 4 * 1024 * 1024) {
        return QStringLiteral("%1. The disk holding the project is full (%2 bytes free): free "
                              "some space and open it again; nothing was changed.")
            .arg(error).arg(disk.bytesAvailable());
    }
    return error;
}

Status Project::openConnections(bool creating)
{
    const QString options = m_readOnly
                                ? QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000;QSQLITE_OPEN_READONLY")
                                : QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000");
    m_connectionName = newConnectionName();
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    m_db.setDatabaseName(filePath(DatabaseFile));
    m_db.setConnectOptions(options);
    // SQLite cannot read a WAL database in a folder where it cannot create the WAL's index;
    // in a folder nobody can write, the file cannot change underneath, so it is immutable --
    // unless a crash left committed work in the WAL, which "immutable" would silently ignore.
    // SQLite reads that WAL when its index file is there too; without it, the work cannot be
    // read here, and showing the project without it would be wrong.
    const QFileInfo wal(filePath(DatabaseFile + QStringLiteral("-wal")));
    const bool walHoldsWork = wal.exists() && wal.size() > 0;
    if (m_readOnly && !QFileInfo(m_folder).isWritable() && walHoldsWork
        && !QFileInfo::exists(filePath(DatabaseFile + QStringLiteral("-shm")))) {
        return Status::failure(QStringLiteral(
            "%1 holds saved work that is not yet in project.sqlite, and reading it needs a "
            "writable folder. Open the project once where it can be written (or copy the "
            "whole folder to a writable place); nothing was changed.").arg(wal.filePath()));
    }
    if (m_readOnly && !QFileInfo(m_folder).isWritable() && !walHoldsWork) {
        QUrl url = QUrl::fromLocalFile(filePath(DatabaseFile));
        url.setQuery(QStringLiteral("immutable=1"));
        m_db.setDatabaseName(url.toString(QUrl::FullyEncoded));
        m_db.setConnectOptions(options + QStringLiteral(";QSQLITE_OPEN_URI"));
    }
    if (!m_db.open()) {
        return Status::failure(QStringLiteral("Cannot open %1: %2")
                                   .arg(filePath(DatabaseFile), m_db.lastError().text()));
    }

    // A read-only connection changes nothing, not even the journal mode.
    QStringList pragmas = {QStringLiteral("PRAGMA foreign_keys=ON"),
                           QStringLiteral("PRAGMA temp_store=MEMORY"),
                           QStringLiteral("PRAGMA cache_size=-65536")};
    if (!m_readOnly) {
        pragmas.prepend(QStringLiteral("PRAGMA synchronous=NORMAL"));
        pragmas.prepend(QStringLiteral("PRAGMA journal_mode=WAL"));
    }
    for (const QString &pragma : std::as_const(pragmas)) {
        if (Status status = exec(m_db, pragma); !status) {
            return Status::failure(QStringLiteral("Cannot open %1: %2")
                                       .arg(filePath(DatabaseFile), openFailureAdvice(status)));
        }
    }
    if (Status status = migrate(); !status) {
        return status;
    }

    return openCache(creating);
}

Status Project::openCache(bool creating)
{
    m_cache = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"),
                                        m_connectionName + QStringLiteral("-cache"));
    m_cache.setDatabaseName(filePath(CacheFile));
    if (m_readOnly) {
        // Without a cache file there are no thumbnails to read; that is not an error.
        m_cache.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (!QFileInfo(m_folder).isWritable()) {
            QUrl url = QUrl::fromLocalFile(filePath(CacheFile));
            url.setQuery(QStringLiteral("immutable=1"));
            m_cache.setDatabaseName(url.toString(QUrl::FullyEncoded));
            m_cache.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_OPEN_URI"));
        }
        if (QFileInfo::exists(filePath(CacheFile)) && !m_cache.open()) {
            qCWarning(lcStore) << "cannot read the thumbnail cache" << filePath(CacheFile)
                               << m_cache.lastError().text();
        }
        return {};
    }

    Q_UNUSED(creating);
    m_cache.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
    Status status = setUpCache();
    if (!status) {
        // The cache holds no work: a damaged one is put aside and started again, so that a
        // broken cache never keeps anyone from their project.
        qCWarning(lcStore) << "the thumbnail cache cannot be used (" << status.error()
                           << "); starting a new one";
        status = resetCache();
    }
    return status;
}

Status Project::setUpCache()
{
    if (!m_cache.open()) {
        return Status::failure(QStringLiteral("Cannot open the thumbnail cache %1: %2")
                                   .arg(filePath(CacheFile), m_cache.lastError().text()));
    }
    for (const char *statement : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=OFF"}) {
        exec(m_cache, QString::fromLatin1(statement));
    }
    for (const char *statement : CacheSchema) {
        if (Status status = exec(m_cache, QString::fromLatin1(statement)); !status) {
            return Status::failure(QStringLiteral("Cannot set up the thumbnail cache %1 (%2).")
                                       .arg(filePath(CacheFile), status.error()));
        }
    }

    // A cache written before rows named their content: its rows count as stale until the
    // next repair or import writes them again.
    QSqlQuery columns(m_cache);
    columns.exec(QStringLiteral("SELECT count(*) FROM pragma_table_info('thumbnails')"
                                " WHERE name = 'content_hash'"));
    if (columns.next() && columns.value(0).toInt() == 0) {
        columns.finish();
        return exec(m_cache, QStringLiteral("ALTER TABLE thumbnails ADD COLUMN"
                                            " content_hash TEXT NOT NULL DEFAULT ''"));
    }
    return {};
}

Status Project::resetCache()
{
    if (m_readOnly) {
        return refuseWrite();
    }
    m_cache.close();
    const QString damaged = filePath(CacheFile + QStringLiteral(".damaged"));
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
        QFile::remove(damaged + suffix);
        QFile::rename(filePath(CacheFile + suffix), damaged + suffix);
    }
    qCWarning(lcStore) << "the thumbnail cache was put aside as" << damaged;
    if (Status status = setUpCache(); !status) {
        return Status::failure(QStringLiteral("%1 It holds no work: delete it and it will be "
                                              "rebuilt.").arg(status.error()));
    }
    return {};
}

QString Project::cacheProblem() const
{
    if (!m_cache.isOpen()) {
        return QFileInfo::exists(filePath(CacheFile))
                   ? QStringLiteral("%1 cannot be read").arg(filePath(CacheFile))
                   : QString();
    }
    QSqlQuery query(m_cache);
    if (!query.exec(QStringLiteral("PRAGMA quick_check")) || !query.next()) {
        return QStringLiteral("%1 cannot be read: %2").arg(filePath(CacheFile), sqlError(query));
    }
    const QString result = query.value(0).toString();
    return result == QStringLiteral("ok")
               ? QString()
               : QStringLiteral("%1 is damaged (%2)").arg(filePath(CacheFile), result);
}

Status Project::migrate()
{
    Q_ASSERT(latestSchemaVersion() == SchemaVersion);
    QSqlQuery query(m_db);
    if (!query.exec(QStringLiteral("PRAGMA user_version")) || !query.next()) {
        return Status::failure(QStringLiteral("%1 is not a readable SQLite database: %2")
                                   .arg(filePath(DatabaseFile), sqlError(query)));
    }
    const int found = query.value(0).toInt();
    query.finish();
    if (found > SchemaVersion) {
        return Status::failure(
            QStringLiteral("This project was written by a newer Likeness (schema %1; this "
                           "build knows up to %2). Open it with that version; nothing was "
                           "changed.").arg(found).arg(SchemaVersion));
    }
    if (found == SchemaVersion) {
        return {};
    }
    if (m_readOnly) {
        return Status::failure(QStringLiteral("This project needs its schema upgraded (from %1 "
                                              "to %2), which cannot happen read-only. Open it "
                                              "once for writing.").arg(found).arg(SchemaVersion));
    }

    // Work already in the file is copied before its schema changes; a new file has none.
    QString copy;
    if (found > 0) {
        copy = freeFileName(filePath(DatabaseFile + QStringLiteral(".bak-v%1").arg(found)));
        if (Status status = backup(copy); !status) {
            return Status::failure(QStringLiteral("Not upgrading the project from schema %1: "
                                                  "the copy made first failed (%2). Nothing "
                                                  "was changed.").arg(found).arg(status.error()));
        }
        qCInfo(lcStore) << "upgrading" << filePath(DatabaseFile) << "from schema" << found
                        << "to" << SchemaVersion << "; the old file is kept as" << copy;
    }

    // Every step runs in one transaction: an upgrade either completes or changes nothing.
    const Status status = transaction([&]() -> Status {
        for (const SchemaStep &step : schemaSteps()) {
            if (step.from < found) {
                continue;
            }
            for (const QString &statement : step.statements) {
                if (Status status = exec(m_db, statement); !status) {
                    return status;
                }
            }
        }
        return exec(m_db, QStringLiteral("PRAGMA user_version=%1").arg(SchemaVersion));
    });
    if (!status && found > 0) {
        return Status::failure(QStringLiteral("Cannot upgrade the project from schema %1 to %2 "
                                              "(%3). Nothing was changed; a copy is in %4.")
                                   .arg(found).arg(SchemaVersion).arg(status.error(), copy));
    }
    return status;
}

Status Project::backup(const QString &file) const
{
    if (QFileInfo::exists(file)) {
        return Status::failure(QStringLiteral("%1 already exists; choose another name or "
                                              "remove it first.").arg(file));
    }

    // VACUUM INTO reads one consistent snapshot, even while other connections write. It
    // writes beside the target first, so a failure never leaves half a backup under its name.
    const QString partial = file + QStringLiteral(".partial");
    QFile::remove(partial);
    QSqlQuery vacuum(m_db);
    vacuum.prepare(QStringLiteral("VACUUM INTO ?"));
    vacuum.addBindValue(partial);
    if (!vacuum.exec()) {
        const QString reason = sqlError(vacuum);
        QFile::remove(partial);
        return Status::failure(QStringLiteral("Cannot write the backup %1: %2. Check that the "
                                              "folder exists, is writable and has room.")
                                   .arg(file, reason));
    }
    if (!QFile::rename(partial, file)) {
        QFile::remove(partial);
        return Status::failure(QStringLiteral("Cannot name the backup %1.").arg(file));
    }
    qCInfo(lcStore) << "backed up" << filePath(DatabaseFile) << "to" << file;
    return {};
}

Status Project::refuseWrite() const
{
    const QString owner = lockOwner(m_folder);
    if (owner.isEmpty()) {
        return Status::failure(QStringLiteral("%1 is open read-only, so this change was not "
                                              "saved. Open it again for writing (copy it to a "
                                              "writable place if its folder is read-only).")
                                   .arg(m_folder));
    }
    return Status::failure(QStringLiteral("%1 is open read-only, so this change was not "
                                          "saved. Close the program that has it open for "
                                          "writing (%2) and open it again.")
                               .arg(m_folder, owner));
}

namespace {

// Checks that file is a whole Likeness database this build can open.
Status checkBackupFile(const QString &file)
{
    if (!QFileInfo(file).isFile()) {
        return Status::failure(QStringLiteral("There is no backup file %1.").arg(file));
    }
    const QString name = newConnectionName();
    QString problem;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(file);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        QSqlQuery query(db);
        if (!db.open() || !query.exec(QStringLiteral("PRAGMA integrity_check")) || !query.next()
            || query.value(0).toString() != QStringLiteral("ok")) {
            problem = QStringLiteral("it is not a readable, undamaged SQLite database");
        } else if (!query.exec(QStringLiteral("SELECT count(*) FROM triplets"))) {
            problem = QStringLiteral("it does not hold a Likeness project");
        } else if (query.exec(QStringLiteral("PRAGMA user_version")) && query.next()
                   && query.value(0).toInt() > Project::SchemaVersion) {
            problem = QStringLiteral("it was written by a newer Likeness");
        }
    }
    QSqlDatabase::removeDatabase(name);
    if (!problem.isEmpty()) {
        return Status::failure(QStringLiteral("Not restoring from %1: %2. The project was not "
                                              "changed.").arg(file, problem));
    }
    return {};
}

// Moves a database file and its write-ahead log together, so the pair stays consistent.
bool moveDatabase(const QString &from, const QString &to)
{
    if (!QFile::rename(from, to)) {
        return false;
    }
    for (const QString &suffix : {QStringLiteral("-wal"), QStringLiteral("-shm")}) {
        if (QFileInfo::exists(from + suffix) && !QFile::rename(from + suffix, to + suffix)) {
            qCWarning(lcStore) << "cannot move" << from + suffix << "to" << to + suffix;
        }
    }
    return true;
}

} // namespace

Status Project::restore(const QString &backupFile, const QString &folder)
{
    if (Status status = checkBackupFile(backupFile); !status) {
        return status;
    }
    if (!QDir().mkpath(folder)) {
        return Status::failure(QStringLiteral("Cannot create the folder %1.").arg(folder));
    }
    const QString key = lockKey(folder);
    if (LockRegistry::instance().heldHere(key)) {
        return Status::failure(QStringLiteral("%1 is open in this program; close it before "
                                              "restoring a backup into it.").arg(folder));
    }
    if (Status status = LockRegistry::instance().acquire(key, folder); !status) {
        return Status::failure(QStringLiteral("Not restoring: %1").arg(status.error()));
    }
    const auto unlock = qScopeGuard([&] { LockRegistry::instance().release(key); });

    // The database being replaced is kept, even a damaged one: it may hold the only copy of
    // recent work.
    const QDir dir(folder);
    const QString database = dir.filePath(DatabaseFile);
    QString kept;
    if (QFileInfo::exists(database)) {
        kept = freeFileName(database + QStringLiteral(".before-restore"));
        if (!moveDatabase(database, kept)) {
            return Status::failure(QStringLiteral("Cannot rename %1 to %2; nothing was "
                                                  "restored.").arg(database, kept));
        }
    }
    const QString partial = database + QStringLiteral(".restoring");
    QFile::remove(partial);
    if (!QFile::copy(backupFile, partial) || !QFile::rename(partial, database)) {
        QFile::remove(partial);
        if (!kept.isEmpty()) {
            moveDatabase(kept, database);
        }
        return Status::failure(QStringLiteral("Cannot copy %1 into %2 (is the disk full?); the "
                                              "project was not changed.")
                                   .arg(backupFile, folder));
    }

    // Embeddings and indexes may describe versions or images the backup does not have;
    // thumbnails are kept where they still match their image's content (below).
    for (const QString &cache : {QStringLiteral("embeddings"), QStringLiteral("index")}) {
        QDir(dir.filePath(cache)).removeRecursively();
    }

    // Opening upgrades an older backup's schema and proves the restored file works.
    const auto project = open(folder);
    if (!project) {
        return Status::failure(QStringLiteral("Restored %1, but it does not open: %2")
                                   .arg(backupFile, project.error()));
    }
    if (Status status = (*project)->removeThumbnails((*project)->staleThumbnails()); !status) {
        qCWarning(lcStore) << "restored, but stale thumbnails stay:" << status.error();
    }
    qCInfo(lcStore) << "restored" << folder << "from" << backupFile << "keeping" << kept;
    return {};
}

QString Project::filePath(const QString &relative) const
{
    return QDir(m_folder).filePath(relative);
}

Status Project::transaction(const std::function<Status()> &fn)
{
    if (m_readOnly) {
        return refuseWrite();
    }
    if (Status status = exec(m_db, QStringLiteral("BEGIN IMMEDIATE")); !status) {
        return Status::failure(
            QStringLiteral("The project is busy (another program is writing to it): %1")
                .arg(status.error()));
    }

    Status status = fn();
    if (!status) {
        exec(m_db, QStringLiteral("ROLLBACK"));
        return status;
    }
    if (Status commit = exec(m_db, QStringLiteral("COMMIT")); !commit) {
        exec(m_db, QStringLiteral("ROLLBACK"));
        return commit;
    }
    return {};
}

qint64 Project::imageCount(const QString &status) const
{
    QSqlQuery query(m_db);
    if (status.isEmpty()) {
        query.exec(QStringLiteral("SELECT count(*) FROM images"));
    } else {
        query.prepare(QStringLiteral("SELECT count(*) FROM images WHERE status = ?"));
        query.addBindValue(status);
        query.exec();
    }
    return query.next() ? query.value(0).toLongLong() : 0;
}

QVector<qint64> Project::imageIds(const QString &status) const
{
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    if (status.isEmpty()) {
        query.exec(QStringLiteral("SELECT id FROM images ORDER BY id"));
    } else {
        query.prepare(QStringLiteral("SELECT id FROM images WHERE status = ? ORDER BY id"));
        query.addBindValue(status);
        query.exec();
    }

    QVector<qint64> ids;
    while (query.next()) {
        ids.append(query.value(0).toLongLong());
    }
    return ids;
}

std::optional<ImageRecord> Project::image(qint64 id) const
{
    QSqlQuery query(m_db);
    query.prepare(QStringLiteral("SELECT %1 FROM images WHERE id = ?").arg(ImageColumns));
    query.addBindValue(id);
    if (query.exec() && query.next()) {
        return imageFromQuery(query);
    }
    return std::nullopt;
}

std::optional<ImageRecord> Project::imageByPath(const QString &path) const
{
    QSqlQuery query(m_db);
    query.prepare(QStringLiteral("SELECT %1 FROM images WHERE path = ?").arg(ImageColumns));
    query.addBindValue(QFileInfo(path).absoluteFilePath());
    if (query.exec() && query.next()) {
        return imageFromQuery(query);
    }
    return std::nullopt;
}

QVector<ImageRecord> Project::images(qint64 offset, qint64 limit) const
{
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT %1 FROM images ORDER BY id LIMIT ? OFFSET ?")
                      .arg(ImageColumns));
    query.addBindValue(limit);
    query.addBindValue(offset);
    query.exec();

    QVector<ImageRecord> records;
    while (query.next()) {
        records.append(imageFromQuery(query));
    }
    return records;
}

QVector<ImageRecord> Project::imagesUnder(const QString &folder) const
{
    // A range on the path index: every path that starts with folder sorts (as UTF-8 bytes)
    // between folder and folder followed by the highest code point.
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    query.prepare(
        QStringLiteral("SELECT %1 FROM images WHERE path >= ? AND path < ? ORDER BY id")
            .arg(ImageColumns));
    query.addBindValue(folder);
    query.addBindValue(folder + QString::fromUcs4(U"\U0010FFFF"));
    query.exec();

    QVector<ImageRecord> records;
    while (query.next()) {
        records.append(imageFromQuery(query));
    }
    return records;
}

Status Project::upsertImages(QVector<ImageRecord> &records)
{
    return transaction([&]() -> Status {
        QSqlQuery upsert(m_db);
        upsert.prepare(QStringLiteral(
            "INSERT INTO images(path, content_hash, width, height, bytes, mtime, status, error)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(path) DO UPDATE SET content_hash = excluded.content_hash,"
            " width = excluded.width, height = excluded.height, bytes = excluded.bytes,"
            " mtime = excluded.mtime, status = excluded.status, error = excluded.error"
            " RETURNING id"));
        for (ImageRecord &record : records) {
            upsert.addBindValue(record.path);
            upsert.addBindValue(text(record.contentHash));
            upsert.addBindValue(record.width);
            upsert.addBindValue(record.height);
            upsert.addBindValue(record.bytes);
            upsert.addBindValue(record.mtime);
            upsert.addBindValue(text(record.status));
            upsert.addBindValue(text(record.error));
            if (!upsert.exec() || !upsert.next()) {
                return Status::failure(QStringLiteral("Cannot record %1: %2")
                                           .arg(record.path, sqlError(upsert)));
            }
            record.id = upsert.value(0).toLongLong();
            upsert.finish();
        }
        return Status();
    });
}

Status Project::moveImage(qint64 id, const QString &path)
{
    return transaction([&]() -> Status {
        QSqlQuery update(m_db);
        update.prepare(QStringLiteral("UPDATE images SET path = ? WHERE id = ?"));
        update.addBindValue(QFileInfo(path).absoluteFilePath());
        update.addBindValue(id);
        if (!update.exec() || update.numRowsAffected() != 1) {
            return Status::failure(QStringLiteral("Cannot move image %1 to %2: %3")
                                       .arg(QString::number(id), path, sqlError(update)));
        }
        return Status();
    });
}

Status Project::storeThumbnails(const QVector<qint64> &ids, const QVector<QByteArray> &thumbnails,
                                const QVector<QByteArray> &modelInputs)
{
    Q_ASSERT(ids.size() == thumbnails.size() && ids.size() == modelInputs.size());
    if (m_readOnly) {
        return refuseWrite();
    }

    QSqlQuery hash(m_db);
    hash.prepare(QStringLiteral("SELECT content_hash FROM images WHERE id = ?"));
    QStringList hashes;
    for (qint64 id : ids) {
        hash.addBindValue(id);
        hashes.append(hash.exec() && hash.next() ? hash.value(0).toString() : QString());
        hash.finish();
    }

    if (Status status = exec(m_cache, QStringLiteral("BEGIN")); !status) {
        return status;
    }
    QSqlQuery insert(m_cache);
    insert.prepare(QStringLiteral("INSERT OR REPLACE INTO thumbnails(image_id, png, model_input,"
                                  " content_hash) VALUES (?, ?, ?, ?)"));
    for (qsizetype i = 0; i < ids.size(); ++i) {
        insert.addBindValue(ids[i]);
        insert.addBindValue(thumbnails[i]);
        insert.addBindValue(modelInputs[i]);
        insert.addBindValue(text(hashes[i]));
        if (!insert.exec()) {
            exec(m_cache, QStringLiteral("ROLLBACK"));
            return Status::failure(QStringLiteral("Cannot write the thumbnail cache: %1")
                                       .arg(sqlError(insert)));
        }
    }
    if (Status status = exec(m_cache, QStringLiteral("COMMIT")); !status) {
        exec(m_cache, QStringLiteral("ROLLBACK"));
        return status;
    }
    return {};
}

QVector<qint64> Project::staleThumbnails() const
{
    // The cache is attached to the main connection so that one ordered join compares them;
    // ATTACH cannot run inside a transaction, and no caller holds one here.
    QSqlQuery query(m_db);
    query.prepare(QStringLiteral("ATTACH DATABASE ? AS cache"));
    query.addBindValue(filePath(CacheFile));
    if (!QFileInfo::exists(filePath(CacheFile)) || !query.exec()) {
        return {};
    }
    const auto detach = qScopeGuard([this] {
        exec(m_db, QStringLiteral("DETACH DATABASE cache"));
    });

    QVector<qint64> stale;
    query.setForwardOnly(true);
    if (query.exec(QStringLiteral("SELECT t.image_id FROM cache.thumbnails t"
                                  " LEFT JOIN images i ON i.id = t.image_id"
                                  " WHERE i.id IS NULL OR i.content_hash != t.content_hash"
                                  " ORDER BY t.image_id"))) {
        while (query.next()) {
            stale.append(query.value(0).toLongLong());
        }
    }
    query.finish();
    return stale;
}

Status Project::removeThumbnails(const QVector<qint64> &ids)
{
    if (m_readOnly) {
        return refuseWrite();
    }
    if (Status status = exec(m_cache, QStringLiteral("BEGIN")); !status) {
        return status;
    }
    QSqlQuery remove(m_cache);
    remove.prepare(QStringLiteral("DELETE FROM thumbnails WHERE image_id = ?"));
    for (qint64 id : ids) {
        remove.addBindValue(id);
        if (!remove.exec()) {
            exec(m_cache, QStringLiteral("ROLLBACK"));
            return Status::failure(QStringLiteral("Cannot write the thumbnail cache: %1")
                                       .arg(sqlError(remove)));
        }
    }
    return exec(m_cache, QStringLiteral("COMMIT"));
}

QByteArray Project::thumbnail(qint64 imageId) const
{
    QSqlQuery query(m_cache);
    query.prepare(QStringLiteral("SELECT png FROM thumbnails WHERE image_id = ?"));
    query.addBindValue(imageId);
    return query.exec() && query.next() ? query.value(0).toByteArray() : QByteArray();
}

QByteArray Project::modelInput(qint64 imageId) const
{
    QSqlQuery query(m_cache);
    query.prepare(QStringLiteral("SELECT model_input FROM thumbnails WHERE image_id = ?"));
    query.addBindValue(imageId);
    return query.exec() && query.next() ? query.value(0).toByteArray() : QByteArray();
}

QString Project::normalizedLabelName(const QString &name)
{
    return name.trimmed().normalized(QString::NormalizationForm_C);
}

Result<qint64> Project::labelId(const QString &name, bool create)
{
    const QString normalized = normalizedLabelName(name);
    if (normalized.isEmpty()) {
        return Result<qint64>::failure(QStringLiteral("A label name cannot be empty."));
    }

    QSqlQuery query(m_db);
    query.prepare(QStringLiteral("SELECT id FROM labels WHERE name = ?"));
    query.addBindValue(normalized);
    if (query.exec() && query.next()) {
        return query.value(0).toLongLong();
    }
    if (!create) {
        return Result<qint64>::failure(QStringLiteral("No label named '%1'.").arg(normalized));
    }

    QSqlQuery insert(m_db);
    insert.prepare(QStringLiteral("INSERT INTO labels(name) VALUES (?)"));
    insert.addBindValue(normalized);
    if (!insert.exec()) {
        return Result<qint64>::failure(
            QStringLiteral("Cannot create label '%1': %2").arg(normalized, sqlError(insert)));
    }
    return insert.lastInsertId().toLongLong();
}

QVector<LabelRecord> Project::labels() const
{
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    query.exec(QStringLiteral(
        "SELECT l.id, l.name, coalesce(c.images, 0) FROM labels l"
        " LEFT JOIN label_counts c ON c.label_id = l.id ORDER BY l.name"));

    QVector<LabelRecord> records;
    while (query.next()) {
        records.append({query.value(0).toLongLong(), query.value(1).toString(),
                        query.value(2).toLongLong()});
    }
    return records;
}

QVector<QPair<qint64, qint64>> Project::labelCounts() const
{
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    query.exec(QStringLiteral("SELECT label_id, images FROM label_counts"));

    QVector<QPair<qint64, qint64>> counts;
    while (query.next()) {
        counts.append({query.value(0).toLongLong(), query.value(1).toLongLong()});
    }
    return counts;
}

QStringList Project::labelsOfImage(qint64 imageId) const
{
    QSqlQuery query(m_db);
    query.prepare(QStringLiteral(
        "SELECT l.name FROM image_labels il JOIN labels l ON l.id = il.label_id"
        " WHERE il.image_id = ? ORDER BY l.name"));
    query.addBindValue(imageId);
    query.exec();

    QStringList names;
    while (query.next()) {
        names.append(query.value(0).toString());
    }
    return names;
}

qint64 Project::annotatorId(const QString &name)
{
    if (name.isEmpty()) {
        return 0;
    }
    QSqlQuery query(m_db);
    query.prepare(QStringLiteral("INSERT INTO annotators(name) VALUES (?)"
                                 " ON CONFLICT(name) DO UPDATE SET name = excluded.name"
                                 " RETURNING id"));
    query.addBindValue(name);
    return query.exec() && query.next() ? query.value(0).toLongLong() : 0;
}

Result<qint64> Project::beginLabelChange(const QString &action, const QString &source,
                                         const QString &annotator)
{
    const qint64 annotatorRow = annotatorId(annotator);
    QSqlQuery insert(m_db);
    insert.prepare(QStringLiteral(
        "INSERT INTO label_changes(action, source, annotator_id) VALUES (?, ?, ?)"));
    insert.addBindValue(action);
    insert.addBindValue(text(source));
    insert.addBindValue(annotatorRow ? QVariant(annotatorRow) : QVariant());
    if (!insert.exec()) {
        return Result<qint64>::failure(
            QStringLiteral("Cannot record the label change: %1").arg(sqlError(insert)));
    }
    return insert.lastInsertId().toLongLong();
}

Status Project::finishLabelChange(qint64 changeId, qint64 assignments)
{
    // A change that changed nothing (labelling images that already had the label) is not
    // history worth keeping.
    QSqlQuery update(m_db);
    if (assignments == 0) {
        update.prepare(QStringLiteral("DELETE FROM label_changes WHERE id = ?"));
    } else {
        update.prepare(QStringLiteral("UPDATE label_changes SET assignments = ? WHERE id = ?"));
        update.addBindValue(assignments);
    }
    update.addBindValue(changeId);
    return update.exec() ? Status()
                         : Status::failure(QStringLiteral("Cannot record the label change: %1")
                                               .arg(sqlError(update)));
}

Status Project::addLabel(const QVector<qint64> &imageIds, const QString &name,
                         const QString &source, const QString &annotator)
{
    return transaction([&]() -> Status {
        const Result<qint64> label = labelId(name, true);
        if (!label) {
            return Status::failure(label.error());
        }
        const Result<qint64> change = beginLabelChange(QStringLiteral("add"), source, annotator);
        if (!change) {
            return Status::failure(change.error());
        }

        QSqlQuery insert(m_db);
        insert.prepare(QStringLiteral(
            "INSERT OR IGNORE INTO image_labels(image_id, label_id, change_id) VALUES (?, ?, ?)"));
        qint64 added = 0;
        for (qint64 imageId : imageIds) {
            insert.addBindValue(imageId);
            insert.addBindValue(*label);
            insert.addBindValue(*change);
            if (!insert.exec()) {
                return Status::failure(QStringLiteral("Cannot label image %1: %2")
                                           .arg(imageId).arg(sqlError(insert)));
            }
            added += insert.numRowsAffected();
        }
        return finishLabelChange(*change, added);
    });
}

namespace {

// Moves one assignment into label_removals under the removing change; returns the number of
// assignments removed (0 when the image did not carry the label).
Result<qint64> removeAssignment(QSqlQuery &keep, QSqlQuery &remove, qint64 changeId,
                                qint64 imageId, qint64 labelId)
{
    keep.addBindValue(changeId);
    keep.addBindValue(imageId);
    keep.addBindValue(labelId);
    remove.addBindValue(imageId);
    remove.addBindValue(labelId);
    if (!keep.exec() || !remove.exec()) {
        return Result<qint64>::failure(QStringLiteral("Cannot remove a label: %1")
                                           .arg(sqlError(keep.lastError().isValid() ? keep
                                                                                  : remove)));
    }
    return qint64(remove.numRowsAffected());
}

void prepareRemoval(QSqlQuery &keep, QSqlQuery &remove)
{
    keep.prepare(QStringLiteral(
        "INSERT INTO label_removals(change_id, image_id, label_id, added_by)"
        " SELECT ?, image_id, label_id, change_id FROM image_labels"
        " WHERE image_id = ? AND label_id = ?"));
    remove.prepare(
        QStringLiteral("DELETE FROM image_labels WHERE image_id = ? AND label_id = ?"));
}

// The labels an image carries, as (label id → change id).
QHash<qint64, qint64> labelIdsOf(QSqlQuery &query, qint64 imageId)
{
    query.addBindValue(imageId);
    query.exec();
    QHash<qint64, qint64> ids;
    while (query.next()) {
        ids.insert(query.value(0).toLongLong(), query.value(1).toLongLong());
    }
    return ids;
}

// Checks that every image and label of `sorted` (pairs ordered by image id) exists, walking
// the images table once in id order beside the pairs.
Status checkIds(sqlite3 *handle, const QVector<QPair<qint64, qint64>> &sorted)
{
    if (sorted.isEmpty()) {
        return {};
    }
    sqlite3_stmt *statement = nullptr;
    const auto finalize = qScopeGuard([&statement] { sqlite3_finalize(statement); });

    QSet<qint64> labels;
    sqlite3_prepare_v2(handle, "SELECT id FROM labels", -1, &statement, nullptr);
    while (sqlite3_step(statement) == SQLITE_ROW) {
        labels.insert(sqlite3_column_int64(statement, 0));
    }
    sqlite3_finalize(statement);

    sqlite3_prepare_v2(handle, "SELECT id FROM images WHERE id >= ? ORDER BY id", -1,
                       &statement, nullptr);
    sqlite3_bind_int64(statement, 1, sorted.first().first);
    qint64 stored = -1;
    for (const QPair<qint64, qint64> &pair : sorted) {
        while (stored < pair.first && sqlite3_step(statement) == SQLITE_ROW) {
            stored = sqlite3_column_int64(statement, 0);
        }
        if (stored != pair.first) {
            return Status::failure(QStringLiteral("Cannot label image %1: the project has no "
                                                  "image with that id. Nothing was labelled.")
                                       .arg(pair.first));
        }
        if (!labels.contains(pair.second)) {
            return Status::failure(QStringLiteral("Cannot label image %1 with label %2: the "
                                                  "project has no label with that id. Nothing "
                                                  "was labelled.")
                                       .arg(pair.first).arg(pair.second));
        }
    }
    return {};
}

} // namespace

Status Project::removeLabel(const QVector<qint64> &imageIds, const QString &name,
                            const QString &annotator)
{
    return transaction([&]() -> Status {
        const Result<qint64> label = labelId(name, false);
        if (!label) {
            return Status();
        }
        const Result<qint64> change =
            beginLabelChange(QStringLiteral("remove"), LabelSource::Human, annotator);
        if (!change) {
            return Status::failure(change.error());
        }

        QSqlQuery keep(m_db);
        QSqlQuery remove(m_db);
        prepareRemoval(keep, remove);
        qint64 removed = 0;
        for (qint64 imageId : imageIds) {
            const Result<qint64> count = removeAssignment(keep, remove, *change, imageId, *label);
            if (!count) {
                return Status::failure(count.error());
            }
            removed += *count;
        }
        return finishLabelChange(*change, removed);
    });
}

Status Project::addLabelAssignments(const QVector<QPair<qint64, qint64>> &pairs,
                                    const QString &source)
{
    // Below this many new rows, or below a quarter of the rows already stored, inserting
    // through the by-label index costs less than building it again.
    constexpr qsizetype RebuildRows = 200000;

    // Rows in key order append to the primary key's b-tree instead of splitting it at random.
    QVector<QPair<qint64, qint64>> sorted = pairs;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());

    sqlite3 *handle = sqliteHandle(m_db);
    if (!handle) {
        return Status::failure(QStringLiteral("The SQLite driver gave no database handle."));
    }

    // A large load checks its image and label ids once, in one pass, instead of three
    // foreign key look-ups per row. SQLite switches foreign keys only outside a transaction.
    const bool large = sorted.size() >= RebuildRows;
    if (large) {
        exec(m_db, QStringLiteral("PRAGMA foreign_keys=OFF"));
    }
    const auto keysBack = qScopeGuard([&] {
        if (large) {
            exec(m_db, QStringLiteral("PRAGMA foreign_keys=ON"));
        }
    });
    return transaction([&]() -> Status {
        QElapsedTimer clock;
        clock.start();
        const Result<qint64> change = beginLabelChange(QStringLiteral("add"), source, {});
        if (!change) {
            return Status::failure(change.error());
        }
        if (large) {
            if (Status status = checkIds(handle, sorted); !status) {
                return status;
            }
        }
        const qint64 checkedMs = clock.restart();
        const bool rebuild = large && sorted.size() * 4 >= labelAssignmentCount();
        if (rebuild) {
            for (const QString &statement : bulkLabelStatements().suspend) {
                if (Status status = exec(m_db, statement); !status) {
                    return status;
                }
            }
        }

        // Prepared once and stepped through SQLite's C API: at 10^7 rows the per-row cost
        // of QSqlQuery's variant binding would be most of the time.
        sqlite3_stmt *insert = nullptr;
        if (sqlite3_prepare_v2(handle,
                               "INSERT OR IGNORE INTO image_labels(image_id, label_id, change_id)"
                               " VALUES (?, ?, ?)",
                               -1, &insert, nullptr)
            != SQLITE_OK) {
            return Status::failure(QString::fromUtf8(sqlite3_errmsg(handle)));
        }
        const auto finalize = qScopeGuard([insert] { sqlite3_finalize(insert); });
        sqlite3_bind_int64(insert, 3, *change);
        QHash<qint64, qint64> addedPerLabel;
        qint64 added = 0;
        for (const QPair<qint64, qint64> &pair : std::as_const(sorted)) {
            sqlite3_bind_int64(insert, 1, pair.first);
            sqlite3_bind_int64(insert, 2, pair.second);
            const int stepped = sqlite3_step(insert);
            sqlite3_reset(insert);
            if (stepped != SQLITE_DONE) {
                return Status::failure(QStringLiteral("Cannot label image %1 with label %2: %3")
                                           .arg(pair.first).arg(pair.second)
                                           .arg(sqliteError(handle, stepped)));
            }
            if (sqlite3_changes(handle) > 0) {
                ++added;
                ++addedPerLabel[pair.second];
            }
        }

        const qint64 insertedMs = clock.restart();
        if (rebuild) {
            if (Status status = addToLabelCounts(addedPerLabel); !status) {
                return status;
            }
            for (const QString &statement : bulkLabelStatements().resume) {
                if (Status status = exec(m_db, statement); !status) {
                    return status;
                }
            }
        }
        qCInfo(lcStore) << "bulk label load:" << added << "of" << sorted.size() << "pairs new;"
                        << "ids checked in" << checkedMs << "ms, inserted in" << insertedMs
                        << "ms, index and counts" << (rebuild ? "rebuilt" : "kept") << "in"
                        << clock.elapsed() << "ms";
        return finishLabelChange(*change, added);
    });
}

Status Project::addToLabelCounts(const QHash<qint64, qint64> &addedPerLabel)
{
    QSqlQuery count(m_db);
    count.prepare(QStringLiteral("INSERT INTO label_counts(label_id, images) VALUES (?, ?)"
                                 " ON CONFLICT(label_id) DO UPDATE"
                                 " SET images = images + excluded.images"));
    for (auto it = addedPerLabel.cbegin(); it != addedPerLabel.cend(); ++it) {
        count.addBindValue(it.key());
        count.addBindValue(it.value());
        if (!count.exec()) {
            return Status::failure(QStringLiteral("Cannot count label %1: %2")
                                       .arg(it.key()).arg(sqlError(count)));
        }
    }
    return {};
}

Status Project::setImageLabels(const QHash<qint64, QStringList> &labelsByImage,
                               const QString &source, const QString &annotator)
{
    return transaction([&]() -> Status {
        const Result<qint64> change =
            beginLabelChange(QStringLiteral("replace"), source, annotator);
        if (!change) {
            return Status::failure(change.error());
        }
        QHash<QString, qint64> idOfName;

        QSqlQuery current(m_db);
        current.prepare(
            QStringLiteral("SELECT label_id, change_id FROM image_labels WHERE image_id = ?"));
        QSqlQuery keep(m_db);
        QSqlQuery remove(m_db);
        prepareRemoval(keep, remove);
        QSqlQuery insert(m_db);
        insert.prepare(QStringLiteral(
            "INSERT OR IGNORE INTO image_labels(image_id, label_id, change_id) VALUES (?, ?, ?)"));

        // Only the difference is written: labels an image keeps keep the change that gave
        // them, so importing the same file twice changes nothing.
        qint64 changed = 0;
        for (auto it = labelsByImage.cbegin(); it != labelsByImage.cend(); ++it) {
            QSet<qint64> wanted;
            for (const QString &name : it.value()) {
                auto known = idOfName.constFind(name);
                if (known == idOfName.cend()) {
                    const Result<qint64> label = labelId(name, true);
                    if (!label) {
                        return Status::failure(label.error());
                    }
                    known = idOfName.insert(name, *label);
                }
                wanted.insert(known.value());
            }

            const QHash<qint64, qint64> carried = labelIdsOf(current, it.key());
            for (auto old = carried.cbegin(); old != carried.cend(); ++old) {
                if (wanted.contains(old.key())) {
                    continue;
                }
                const Result<qint64> count =
                    removeAssignment(keep, remove, *change, it.key(), old.key());
                if (!count) {
                    return Status::failure(count.error());
                }
                changed += *count;
            }
            for (qint64 label : std::as_const(wanted)) {
                if (carried.contains(label)) {
                    continue;
                }
                insert.addBindValue(it.key());
                insert.addBindValue(label);
                insert.addBindValue(*change);
                if (!insert.exec()) {
                    return Status::failure(sqlError(insert));
                }
                changed += insert.numRowsAffected();
            }
        }
        return finishLabelChange(*change, changed);
    });
}

Result<qint64> Project::revertLabelChange(qint64 changeId, const QString &annotator)
{
    qint64 revert = 0;
    const Status status = transaction([&]() -> Status {
        QSqlQuery find(m_db);
        find.prepare(QStringLiteral("SELECT action FROM label_changes WHERE id = ?"));
        find.addBindValue(changeId);
        if (!find.exec() || !find.next()) {
            return Status::failure(QStringLiteral("There is no label change %1 ('likeness-cli "
                                                  "labels history' lists them).").arg(changeId));
        }
        const QString action = find.value(0).toString();
        find.finish();
        const QString undone = action == QStringLiteral("add")      ? QStringLiteral("remove")
                               : action == QStringLiteral("remove") ? QStringLiteral("add")
                                                                    : action;
        const Result<qint64> change =
            beginLabelChange(undone, QStringLiteral("revert %1").arg(changeId), annotator);
        if (!change) {
            return Status::failure(change.error());
        }
        revert = *change;

        // What the change added goes (kept in label_removals); what it removed comes back,
        // as part of this change, so that undoing this undo redoes the first change exactly.
        QSqlQuery step(m_db);
        qint64 changed = 0;
        const QStringList statements = {
            QStringLiteral("INSERT INTO label_removals(change_id, image_id, label_id, added_by)"
                           " SELECT :revert, image_id, label_id, change_id FROM image_labels"
                           " WHERE change_id = :undone"),
            QStringLiteral("DELETE FROM image_labels WHERE change_id = :undone"),
            QStringLiteral("INSERT OR IGNORE INTO image_labels(image_id, label_id, change_id)"
                           " SELECT image_id, label_id, :revert"
                           " FROM label_removals WHERE change_id = :undone"),
        };
        for (const QString &statement : statements) {
            step.prepare(statement);
            if (statement.contains(QStringLiteral(":revert"))) {
                step.bindValue(QStringLiteral(":revert"), *change);
            }
            step.bindValue(QStringLiteral(":undone"), changeId);
            if (!step.exec()) {
                return Status::failure(QStringLiteral("Cannot undo label change %1: %2")
                                           .arg(changeId).arg(sqlError(step)));
            }
            if (!statement.startsWith(QStringLiteral("INSERT INTO label_removals"))) {
                changed += step.numRowsAffected();
            }
        }
        if (changed == 0) {
            revert = 0;
        }
        return finishLabelChange(*change, changed);
    });
    if (!status) {
        return Result<qint64>::failure(status.error());
    }
    return revert;
}

QVector<LabelChange> Project::labelChanges() const
{
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    query.exec(QStringLiteral(
        "SELECT c.id, c.action, c.source, coalesce(a.name, ''), c.assignments, c.created_at"
        " FROM label_changes c LEFT JOIN annotators a ON a.id = c.annotator_id ORDER BY c.id"));

    QVector<LabelChange> changes;
    while (query.next()) {
        changes.append({query.value(0).toLongLong(), query.value(1).toString(),
                        query.value(2).toString(), query.value(3).toString(),
                        query.value(4).toLongLong(),
                        QDateTime::fromString(query.value(5).toString(), Qt::ISODateWithMs)});
    }
    return changes;
}

QVector<QPair<qint64, qint64>> Project::labelAssignments() const
{
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    query.exec(QStringLiteral("SELECT image_id, label_id FROM image_labels"
                              " ORDER BY image_id, label_id"));

    QVector<QPair<qint64, qint64>> pairs;
    while (query.next()) {
        pairs.append({query.value(0).toLongLong(), query.value(1).toLongLong()});
    }
    return pairs;
}

qint64 Project::labelAssignmentCount() const
{
    QSqlQuery query(m_db);
    query.exec(QStringLiteral("SELECT coalesce(sum(images), 0) FROM label_counts"));
    return query.next() ? query.value(0).toLongLong() : 0;
}

QVector<qint64> Project::miscountedLabels() const
{
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    query.exec(QStringLiteral(
        "SELECT l.id FROM labels l LEFT JOIN label_counts c ON c.label_id = l.id"
        " LEFT JOIN (SELECT label_id, count(*) AS images FROM image_labels GROUP BY label_id) a"
        " ON a.label_id = l.id WHERE coalesce(c.images, 0) != coalesce(a.images, 0)"
        " ORDER BY l.id"));

    QVector<qint64> ids;
    while (query.next()) {
        ids.append(query.value(0).toLongLong());
    }
    return ids;
}

Status Project::recountLabels()
{
    return transaction([&]() -> Status {
        if (Status status = exec(m_db, QStringLiteral("DELETE FROM label_counts")); !status) {
            return status;
        }
        return exec(m_db, QStringLiteral("INSERT INTO label_counts(label_id, images)"
                                         " SELECT label_id, count(*) FROM image_labels"
                                         " GROUP BY label_id"));
    });
}

Result<qint64> Project::addJudgment(Judgment judgment)
{
    if (judgment.anchorId == judgment.firstId || judgment.anchorId == judgment.secondId
        || judgment.firstId == judgment.secondId) {
        return Result<qint64>::failure(
            QStringLiteral("A triplet needs three different images."));
    }
    if (!judgment.createdAt.isValid()) {
        judgment.createdAt = QDateTime::currentDateTimeUtc();
    }

    judgment.id = 0;
    qint64 id = 0;
    if (Status status = insertJudgment(judgment, &id); !status) {
        return Result<qint64>::failure(status.error());
    }
    return id;
}

Status Project::restoreJudgment(const Judgment &judgment)
{
    return insertJudgment(judgment, nullptr);
}

Status Project::insertJudgment(const Judgment &judgment, qint64 *id)
{
    return transaction([&]() -> Status {
        QSqlQuery insert(m_db);
        insert.prepare(QStringLiteral(
            "INSERT INTO triplets(id, anchor_id, first_id, second_id, choice, annotator_id,"
            " sampler, model_version, response_ms, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        insert.addBindValue(judgment.id > 0 ? QVariant(judgment.id) : QVariant());
        insert.addBindValue(judgment.anchorId);
        insert.addBindValue(judgment.firstId);
        insert.addBindValue(judgment.secondId);
        insert.addBindValue(choiceName(judgment.choice));
        const qint64 annotatorRow = annotatorId(judgment.annotator);
        insert.addBindValue(annotatorRow ? QVariant(annotatorRow) : QVariant());
        insert.addBindValue(text(judgment.sampler));
        insert.addBindValue(judgment.modelVersion);
        insert.addBindValue(judgment.responseMs);
        const QDateTime createdAt = judgment.createdAt.isValid()
                                        ? judgment.createdAt
                                        : QDateTime::currentDateTimeUtc();
        insert.addBindValue(createdAt.toUTC().toString(Qt::ISODateWithMs));
        if (!insert.exec()) {
            return Status::failure(
                QStringLiteral("Cannot store the judgment: %1").arg(sqlError(insert)));
        }
        if (id) {
            *id = insert.lastInsertId().toLongLong();
        }
        return Status();
    });
}

Status Project::removeJudgment(qint64 judgmentId)
{
    return transaction([&]() -> Status {
        QSqlQuery remove(m_db);
        remove.prepare(QStringLiteral("DELETE FROM triplets WHERE id = ?"));
        remove.addBindValue(judgmentId);
        if (!remove.exec()) {
            return Status::failure(sqlError(remove));
        }
        return Status();
    });
}

QVector<Judgment> Project::judgments() const
{
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    query.exec(QStringLiteral(
        "SELECT t.id, anchor_id, first_id, second_id, choice, coalesce(a.name, ''), sampler,"
        " model_version, response_ms, created_at"
        " FROM triplets t LEFT JOIN annotators a ON a.id = t.annotator_id ORDER BY t.id"));

    QVector<Judgment> result;
    while (query.next()) {
        Judgment judgment;
        judgment.id = query.value(0).toLongLong();
        judgment.anchorId = query.value(1).toLongLong();
        judgment.firstId = query.value(2).toLongLong();
        judgment.secondId = query.value(3).toLongLong();
        judgment.choice = choiceFromName(query.value(4).toString()).value_or(Choice::Skip);
        judgment.annotator = query.value(5).toString();
        judgment.sampler = query.value(6).toString();
        judgment.modelVersion = query.value(7).toInt();
        judgment.responseMs = query.value(8).toLongLong();
        judgment.createdAt = QDateTime::fromString(query.value(9).toString(),
                                                   Qt::ISODateWithMs);
        result.append(judgment);
    }
    return result;
}

qint64 Project::judgmentCount() const
{
    QSqlQuery query(m_db);
    query.exec(QStringLiteral("SELECT count(*) FROM triplets"));
    return query.next() ? query.value(0).toLongLong() : 0;
}

int Project::currentModelVersion() const
{
    return setting(QStringLiteral("current_model"), QStringLiteral("0")).toInt();
}

Status Project::setCurrentModelVersion(int version)
{
    const auto record = modelVersion(version);
    if (!record || record->status != QStringLiteral("ready")) {
        return Status::failure(QStringLiteral("Model version %1 does not exist or is not "
                                              "ready.").arg(version));
    }
    return setSetting(QStringLiteral("current_model"), QString::number(version));
}

QVector<ModelVersionRecord> Project::modelVersions() const
{
    QSqlQuery query(m_db);
    query.exec(QStringLiteral("SELECT version FROM models ORDER BY version"));

    QVector<ModelVersionRecord> records;
    while (query.next()) {
        if (auto record = modelVersion(query.value(0).toInt())) {
            records.append(*record);
        }
    }
    return records;
}

std::optional<ModelVersionRecord> Project::modelVersion(int version) const
{
    QSqlQuery query(m_db);
    query.prepare(QStringLiteral("SELECT version, parent, backbone, status, settings, metrics,"
                                 " created_at FROM models WHERE version = ?"));
    query.addBindValue(version);
    if (!query.exec() || !query.next()) {
        return std::nullopt;
    }

    ModelVersionRecord record;
    record.version = query.value(0).toInt();
    record.parent = query.value(1).toInt();
    record.backbone = query.value(2).toString();
    record.status = query.value(3).toString();
    record.settings = QJsonDocument::fromJson(query.value(4).toByteArray()).object();
    record.metrics = QJsonDocument::fromJson(query.value(5).toByteArray()).object();
    record.createdAt = QDateTime::fromString(query.value(6).toString(), Qt::ISODateWithMs);
    return record;
}

Result<int> Project::addModelVersion(const ModelVersionRecord &record)
{
    int version = 0;
    const Status status = transaction([&]() -> Status {
        QSqlQuery next(m_db);
        next.exec(QStringLiteral("SELECT coalesce(max(version), 0) + 1 FROM models"));
        version = next.next() ? next.value(0).toInt() : 1;

        QSqlQuery insert(m_db);
        insert.prepare(QStringLiteral("INSERT INTO models(version, parent, backbone, status,"
                                      " settings, metrics) VALUES (?, ?, ?, ?, ?, ?)"));
        insert.addBindValue(version);
        insert.addBindValue(record.parent);
        insert.addBindValue(record.backbone);
        insert.addBindValue(text(record.status));
        insert.addBindValue(QJsonDocument(record.settings).toJson(QJsonDocument::Compact));
        insert.addBindValue(QJsonDocument(record.metrics).toJson(QJsonDocument::Compact));
        if (!insert.exec()) {
            return Status::failure(sqlError(insert));
        }
        return Status();
    });
    if (!status) {
        return Result<int>::failure(status.error());
    }
    return version;
}

Status Project::updateModelVersion(int version, const QString &status,
                                  const QJsonObject &metrics)
{
    return transaction([&]() -> Status {
        QSqlQuery update(m_db);
        update.prepare(
            QStringLiteral("UPDATE models SET status = ?, metrics = ? WHERE version = ?"));
        update.addBindValue(status);
        update.addBindValue(QJsonDocument(metrics).toJson(QJsonDocument::Compact));
        update.addBindValue(version);
        if (!update.exec()) {
            return Status::failure(sqlError(update));
        }
        return Status();
    });
}

QString Project::setting(const QString &key, const QString &fallback) const
{
    QSqlQuery query(m_db);
    query.prepare(QStringLiteral("SELECT value FROM settings WHERE key = ?"));
    query.addBindValue(key);
    return query.exec() && query.next() ? query.value(0).toString() : fallback;
}

Status Project::setSetting(const QString &key, const QString &value)
{
    return transaction([&]() -> Status {
        QSqlQuery upsert(m_db);
        upsert.prepare(QStringLiteral("INSERT INTO settings(key, value) VALUES (?, ?)"
                                      " ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
        upsert.addBindValue(key);
        upsert.addBindValue(value);
        if (!upsert.exec()) {
            return Status::failure(sqlError(upsert));
        }
        return Status();
    });
}

} // namespace likeness
