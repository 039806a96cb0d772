#pragma once

#include "jobs/jobcontrol.h"
#include "result.h"

#include <QStringList>
#include <QVector>

namespace likeness {

class Project;

struct SkippedFile
{
    QString path;
    QString status; // an ImageStatus value
    QString reason;
};

// Counts of one import. Added and updated count readable images only; files that cannot be
// used are listed in skipped (and recorded in the project with their status and reason).
struct ImportReport
{
    qint64 filesSeen = 0;
    qint64 added = 0;
    qint64 updated = 0;
    qint64 unchanged = 0;
    qint64 duplicates = 0; // same content hash as another image already in the project
    qint64 missing = 0;    // imported from these folders before, and deleted since
    bool canceled = false;
    QVector<SkippedFile> skipped;
    double seconds = 0;
};

// Imports image files and folders (recursively) into the project: decodes each file, records
// its size, content hash and status, caches its thumbnail and model input. Files that cannot
// be read are recorded with the reason and the import goes on. Files with unknown
// extensions inside folders are ignored; files named explicitly are always tried.
// Decoding runs on a bounded thread pool; writes happen in batched transactions.
Result<ImportReport> importImages(Project &project, const QStringList &paths,
                                  JobControl &control);

} // namespace likeness
