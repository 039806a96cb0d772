#pragma once

#include "jobs/jobcontrol.h"
#include "result.h"

#include <QStringList>
#include <QVector>

namespace likeness {

class Project;

// What a check of a project folder found. project.sqlite holds the human work and is only
// reported on; everything else is a cache that repairProjectCaches() rebuilds.
struct CheckReport
{
    QStringList databaseProblems; // integrity_check and foreign_key_check; empty when sound
    qint64 okImages = 0;
    QVector<qint64> missingFiles;      // ok images whose file is gone; repair marks them missing
    QString cacheProblem;              // thumbs.sqlite damaged; repair starts a new cache
    QVector<qint64> missingThumbnails; // ok images with no usable cached thumbnail
    // Cached thumbnails made from other content than their image has now, or whose image is
    // gone (a restore from an older backup); never shown, removed by a repair.
    QVector<qint64> staleThumbnails;
    int version = 0;                   // the current model version, whose caches are checked
    // Neither embeddings nor index of the version exist yet: they are built when first needed
    // (or by a repair); not a problem.
    bool versionCachesNotBuilt = false;
    QString embeddingsProblem;         // empty when embeddings/vNNNN.f32 is whole and current
    QString indexProblem;              // empty when index/vNNNN.faiss matches the embeddings
    // Versions still marked "training" although no program trains them (a run was killed).
    // Only looked for when the check holds the project's lock, so no other program can be
    // training right now.
    QVector<int> interruptedVersions;
    // Labels whose image count in label_counts disagrees with their assignments (the counts
    // are derived data inside project.sqlite, kept by triggers; repair recounts them).
    QVector<qint64> miscountedLabels;

    bool cachesNeedRepair() const
    {
        return !missingThumbnails.isEmpty() || !staleThumbnails.isEmpty()
               || !missingFiles.isEmpty() || !cacheProblem.isEmpty()
               || !embeddingsProblem.isEmpty()
               || !indexProblem.isEmpty() || !interruptedVersions.isEmpty()
               || !miscountedLabels.isEmpty();
    }
};

struct RepairReport
{
    qint64 thumbnailsRebuilt = 0;
    // "path: reason" for images that could not be read again; they are marked missing (file
    // gone) or corrupt, so that they are no longer expected to have a thumbnail.
    QStringList thumbnailFailures;
    bool versionRebuilt = false;   // embeddings and index of the current version
    qint64 versionsMarkedFailed = 0; // interrupted versions now marked "failed"
    bool labelsRecounted = false;
    bool cacheReset = false;        // a damaged thumbs.sqlite was put aside and rebuilt
    qint64 filesMarkedMissing = 0;
};

// Checks project.sqlite (SQLite's integrity and foreign key checks), the thumbnail cache of
// the ok images and the embedding and index caches of the current model version. Reads only.
CheckReport checkProject(Project &project);

// Rebuilds what the check found: thumbnails from the image files, then the current version's
// embeddings and index; marks interrupted versions "failed"; recounts labels. Never touches
// human work.
Result<RepairReport> repairProjectCaches(Project &project, const CheckReport &check,
                                         JobControl &control);

} // namespace likeness
