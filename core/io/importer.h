#pragma once

#include "jobs/jobcontrol.h"
#include "result.h"

#include <QMap>
#include <QStringList>
#include <QVector>

namespace likeness {

class Project;

// One file an import report names, and what happened to it.
struct ReportedFile
{
    QString path;
    QString status; // an ImageStatus value, or "duplicate" or "moved"
    QString reason; // in words a person can act on
};
using SkippedFile = ReportedFile;

// Counts of one import. Added, updated and moved count readable images only; files that
// cannot be used are listed in skipped (and recorded in the project with their status and
// reason), also when they were skipped in an earlier import and have not changed since.
struct ImportReport
{
    qint64 filesSeen = 0;
    qint64 added = 0;
    qint64 updated = 0;
    qint64 unchanged = 0;
    qint64 moved = 0;      // new paths whose content belongs to an image whose file is gone
    qint64 duplicates = 0; // same content hash as another image already in the project
    qint64 missing = 0;    // imported from these folders before, and deleted since
    bool canceled = false;
    QVector<SkippedFile> skipped;
    QVector<ReportedFile> duplicateFiles; // reason names the image with the same content
    QVector<ReportedFile> movedFiles;     // reason names the old path
    QVector<ReportedFile> missingFiles;   // files deleted since an earlier import
    double seconds = 0;

    // Skipped files counted by status ("corrupt", "unsupported", "missing").
    QMap<QString, qint64> skippedByStatus() const;
};

struct ImportOptions
{
    int threads = 0;              // decoding threads; 0 means one per core
    qint64 maxPixels = 178956970; // see DecodeOptions::maxPixels
};

// Imports image files and folders (recursively) into the project: decodes each file, records
// its size, content hash and status, caches its thumbnail and model input. Files that cannot
// be read are recorded with the reason and the import goes on. Files with unknown
// extensions inside folders are ignored; files named explicitly are always tried.
//
// Re-running an import is incremental and resumes an import that was cancelled or killed:
// a file whose size and modification time match its record (and, when readable, whose
// thumbnail is cached) is not read again. A new path whose content matches an image whose
// file is gone is that image moved: it keeps its id, labels and judgments. Images under the
// given folders whose files are gone are marked missing.
//
// Decoding runs on a pool of options.threads threads, one batch ahead of the writes, which
// happen in one transaction per batch. Progress text carries files per second and the time
// left; cancelling stops after the current batch, keeping every batch written before it.
Result<ImportReport> importImages(Project &project, const QStringList &paths,
                                  JobControl &control, const ImportOptions &options = {});

// The progress text of an import that has read decoded of toDecode files in elapsedMs:
// "Importing images, 120 files/s, about 3 min left".
QString importProgressText(qint64 decoded, qint64 toDecode, qint64 elapsedMs);

// Writes every file the report names as CSV (RFC 4180, UTF-8): a header "path,status,reason"
// and one row per skipped, duplicate, moved and missing file. Replaces an existing file.
Status writeImportReportCsv(const ImportReport &report, const QString &csvPath);

} // namespace likeness
