#include "imaging/descriptor.h"
#include "io/importer.h"
#include "io/projectcheck.h"
#include "ml/modelversion.h"
#include "store/project.h"

#include <QDateTime>
#include <QFile>
#include <QImage>
#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace likeness;

class tst_ModelVersion : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void changedFileContentRebuildsTheCache();
    void damagedCacheFilesAreRebuilt();
    void imageWithoutModelInputIsNotEmbeddedOnEveryLoad();
    void repairMarksVanishedImagesMissing();
    void restoreRemovesThumbnailsOfOtherContent();
    void damagedIndexBytesAreFoundByCheck();
    void importedImagesAreAddedWithoutRebuilding();
    void removedImagesLeaveTheIndex();
    void upToDateCachesAreMappedNotRebuilt();
    void indexTurnsApproximatePastTheThreshold();

private:
    static void writeImage(const QString &path, const QColor &colour, bool stripes);
    static std::unique_ptr<Project> importColours(const QTemporaryDir &dir, int count);
    static ino_t inode(const QString &path);
};

std::unique_ptr<Project> tst_ModelVersion::importColours(const QTemporaryDir &dir, int count)
{
    QDir().mkpath(dir.filePath(QStringLiteral("images")));
    for (int i = 0; i < count; ++i) {
        writeImage(dir.filePath(QStringLiteral("images/%1.png").arg(i)),
                   QColor::fromHsv(i * 50, 200, 200), i % 2);
    }
    auto project = Project::create(dir.filePath(QStringLiteral("p")));
    JobControl control;
    if (!project || !importImages(**project, {dir.filePath(QStringLiteral("images"))}, control)) {
        return {};
    }
    return std::move(*project);
}

// Each save writes a new file and renames it over the old one: a new inode means a rebuild.
ino_t tst_ModelVersion::inode(const QString &path)
{
    struct stat info {};
    return ::stat(QFile::encodeName(path).constData(), &info) == 0 ? info.st_ino : 0;
}

void tst_ModelVersion::writeImage(const QString &path, const QColor &colour, bool stripes)
{
    QImage image(32, 32, QImage::Format_RGB32);
    image.fill(colour);
    for (int y = 0; stripes && y < 32; y += 4) {
        for (int x = 0; x < 32; ++x) {
            image.setPixelColor(x, y, Qt::black);
        }
    }
    QVERIFY(image.save(path));
}

// A file that is imported again with new content must not keep the old embedding.
void tst_ModelVersion::changedFileContentRebuildsTheCache()
{
    QTemporaryDir dir;
    for (int i = 0; i < 5; ++i) {
        writeImage(dir.filePath(QStringLiteral("%1.png").arg(i)), QColor::fromHsv(i * 60, 200, 200),
                   false);
    }
    auto project = Project::create(dir.filePath(QStringLiteral("p")));
    JobControl control;
    QVERIFY(importImages(**project, {dir.path()}, control));
    const auto before = loadVersionData(**project, 0, control);
    QVERIFY(before);

    const QString changed = dir.filePath(QStringLiteral("2.png"));
    writeImage(changed, Qt::white, true);
    QFile(changed).setFileTime(QDateTime::currentDateTime().addSecs(60),
                               QFileDevice::FileModificationTime);
    const auto again = importImages(**project, {dir.path()}, control);
    QVERIFY(again);
    QCOMPARE(again->updated, 1);

    const auto after = loadVersionData(**project, 0, control);
    QVERIFY(after);
    const qint64 id = (*project)->imageByPath(changed)->id;
    const qint64 row = (*after)->embeddings.rowOf(id);
    QVERIFY(row >= 0);
    std::vector<float> expected(ClassicDescriptorSize);
    classicDescriptor((*project)->modelInput(id), expected.data());
    for (int i = 0; i < ClassicDescriptorSize; ++i) {
        QCOMPARE((*after)->embeddings.row(row)[i], expected[size_t(i)]);
    }
    QVERIFY((*before)->embeddings.row(row)[0] != expected[0]
            || (*before)->embeddings.row(row)[300] != expected[300]);
}

void tst_ModelVersion::damagedCacheFilesAreRebuilt()
{
    QTemporaryDir dir;
    for (int i = 0; i < 4; ++i) {
        writeImage(dir.filePath(QStringLiteral("%1.png").arg(i)), QColor::fromHsv(i * 80, 200, 200),
                   i % 2 == 0);
    }
    auto project = Project::create(dir.filePath(QStringLiteral("p")));
    JobControl control;
    QVERIFY(importImages(**project, {dir.path()}, control));
    QVERIFY(loadVersionData(**project, 0, control));

    for (const QString &path : {embeddingsPath(**project, 0), indexPath(**project, 0)}) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.resize(file.size() / 2));
    }
    const auto data = loadVersionData(**project, 0, control);
    QVERIFY2(data, qPrintable(data.error()));
    QCOMPARE((*data)->embeddings.rows(), 4);
    QCOMPARE((*data)->index.size(), 4);
}

// An ok image whose model input is not cached is left out of the embeddings; the cache
// without it must still be trusted, not embedded again on every load.
void tst_ModelVersion::imageWithoutModelInputIsNotEmbeddedOnEveryLoad()
{
    QTemporaryDir dir;
    const auto project = importColours(dir, 4);
    QVERIFY(project);
    const QVector<qint64> ids = project->imageIds(ImageStatus::Ok);
    QVERIFY(project->removeThumbnails({ids[1]}));

    JobControl control;
    const auto first = loadVersionData(*project, 0, control);
    QVERIFY(first);
    QCOMPARE((*first)->embeddings.rows(), 3);
    const ino_t written = inode(embeddingsPath(*project, 0));
    QVERIFY(written != 0);

    const auto second = loadVersionData(*project, 0, control);
    QVERIFY(second);
    QCOMPARE(inode(embeddingsPath(*project, 0)), written);
    QVERIFY(checkProject(*project).embeddingsProblem.isEmpty());
}

// A repair cannot rebuild the thumbnail of a file that no longer decodes; it marks the image
// corrupt, after which the project checks clean instead of failing the same way forever.
void tst_ModelVersion::repairMarksVanishedImagesMissing()
{
    QTemporaryDir dir;
    const auto project = importColours(dir, 3);
    QVERIFY(project);
    const QString damaged = dir.filePath(QStringLiteral("images/1.png"));
    const qint64 id = project->imageByPath(damaged)->id;
    QFile file(damaged);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write("no longer an image");
    file.close();
    QVERIFY(project->removeThumbnails({id}));

    const CheckReport before = checkProject(*project);
    QCOMPARE(before.missingThumbnails, QVector<qint64>{id});
    JobControl control;
    const auto repaired = repairProjectCaches(*project, before, control);
    QVERIFY2(repaired, qPrintable(repaired.error()));
    QCOMPARE(repaired->thumbnailFailures.size(), 1);
    QCOMPARE(project->image(id)->status, ImageStatus::Corrupt);

    const CheckReport after = checkProject(*project);
    QVERIFY(!after.cachesNeedRepair());
    QCOMPARE(after.okImages, 2);

    // A file that is gone while its thumbnail is still cached is found by the check too.
    const QString alsoGone = dir.filePath(QStringLiteral("images/2.png"));
    const qint64 alsoGoneId = project->imageByPath(alsoGone)->id;
    QVERIFY(QFile::remove(alsoGone));
    const CheckReport found = checkProject(*project);
    QCOMPARE(found.missingFiles, QVector<qint64>{alsoGoneId});
    QVERIFY(found.cachesNeedRepair());
    QVERIFY(repairProjectCaches(*project, found, control));
    QCOMPARE(project->image(alsoGoneId)->status, ImageStatus::Missing);
    QVERIFY(!checkProject(*project).cachesNeedRepair());
}

// Thumbnails are keyed by image id; after a restore, a cached row whose image the backup does
// not have, or has with other content, must not be shown as that image.
void tst_ModelVersion::restoreRemovesThumbnailsOfOtherContent()
{
    QTemporaryDir dir;
    auto project = importColours(dir, 2);
    QVERIFY(project);
    const QString backup = dir.filePath(QStringLiteral("before.sqlite"));
    QVERIFY(project->backup(backup));

    const QString changed = dir.filePath(QStringLiteral("images/0.png"));
    writeImage(changed, Qt::white, true);
    QFile(changed).setFileTime(QDateTime::currentDateTime().addSecs(60),
                               QFileDevice::FileModificationTime);
    writeImage(dir.filePath(QStringLiteral("images/new.png")), Qt::blue, true);
    JobControl control;
    QVERIFY(importImages(*project, {dir.filePath(QStringLiteral("images"))}, control));
    const qint64 changedId = project->imageByPath(changed)->id;
    const qint64 keptId = project->imageByPath(dir.filePath(QStringLiteral("images/1.png")))->id;
    const qint64 newId =
        project->imageByPath(dir.filePath(QStringLiteral("images/new.png")))->id;
    QVERIFY(!project->thumbnail(newId).isEmpty());
    QVERIFY(project->staleThumbnails().isEmpty());
    project.reset();

    QVERIFY(Project::restore(backup, dir.filePath(QStringLiteral("p"))));
    const auto restored = Project::open(dir.filePath(QStringLiteral("p")));
    QVERIFY(restored);
    QVERIFY((*restored)->staleThumbnails().isEmpty());
    QVERIFY((*restored)->thumbnail(newId).isEmpty());
    QVERIFY((*restored)->thumbnail(changedId).isEmpty());
    QVERIFY(!(*restored)->thumbnail(keptId).isEmpty());
    QCOMPARE(checkProject(**restored).missingThumbnails, QVector<qint64>{changedId});
}

// Images imported after the version's caches were built are embedded alone and added to the
// existing index; nothing else is embedded again.
void tst_ModelVersion::importedImagesAreAddedWithoutRebuilding()
{
    QTemporaryDir dir;
    const auto project = importColours(dir, 5);
    QVERIFY(project);
    JobControl control;
    const auto first = loadVersionData(*project, 0, control);
    QVERIFY(first);
    QVERIFY((*first)->update.embeddingsRebuilt);
    QCOMPARE((*first)->index.size(), 5);

    QDir().mkpath(dir.filePath(QStringLiteral("more")));
    for (int i = 0; i < 3; ++i) {
        writeImage(dir.filePath(QStringLiteral("more/%1.png").arg(i)),
                   QColor::fromHsv(20 + i * 90, 120, 250), i % 2 == 0);
    }
    QVERIFY(importImages(*project, {dir.filePath(QStringLiteral("more"))}, control));
    const auto second = loadVersionData(*project, 0, control);
    QVERIFY2(second, qPrintable(second.error()));
    const CacheUpdate &update = (*second)->update;
    QCOMPARE(update.embedded, 3);
    QCOMPARE(update.added, 3);
    QCOMPARE(update.removed, 0);
    QVERIFY(!update.embeddingsRebuilt);
    QVERIFY(!update.indexRebuilt);
    QCOMPARE((*second)->index.size(), 8);
    QCOMPARE((*second)->embeddings.ids, project->imageIds(ImageStatus::Ok));

    // A new image finds itself first, with the embedding a full rebuild would give it.
    const qint64 added = project->imageByPath(dir.filePath(QStringLiteral("more/1.png")))->id;
    const qint64 row = (*second)->embeddings.rowOf(added);
    const auto found = (*second)->index.search((*second)->embeddings.row(row), 1);
    QCOMPARE(found->first().id, added);
    std::vector<float> expected(ClassicDescriptorSize);
    classicDescriptor(project->modelInput(added), expected.data());
    QCOMPARE((*second)->embeddings.row(row)[5], expected[5]);
    QVERIFY(checkProject(*project).indexProblem.isEmpty());
}

void tst_ModelVersion::removedImagesLeaveTheIndex()
{
    QTemporaryDir dir;
    const auto project = importColours(dir, 6);
    QVERIFY(project);
    JobControl control;
    QVERIFY(loadVersionData(*project, 0, control));

    const QString gone = dir.filePath(QStringLiteral("images/2.png"));
    const qint64 goneId = project->imageByPath(gone)->id;
    QVERIFY(QFile::remove(gone));
    QVERIFY(importImages(*project, {dir.filePath(QStringLiteral("images"))}, control));
    QCOMPARE(project->image(goneId)->status, ImageStatus::Missing);

    const auto data = loadVersionData(*project, 0, control);
    QVERIFY2(data, qPrintable(data.error()));
    QCOMPARE((*data)->update.removed, 1);
    QCOMPARE((*data)->update.embedded, 0);
    QVERIFY(!(*data)->update.indexRebuilt);
    QCOMPARE((*data)->index.size(), 5);
    for (qint64 id : (*data)->embeddings.ids) {
        const auto neighbours = neighboursOfImage(**data, id, 10);
        QCOMPARE(neighbours->size(), 4);
        for (const Neighbour &neighbour : *neighbours) {
            QVERIFY(neighbour.id != goneId);
        }
    }
}

// A second open of an unchanged project maps the caches and rewrites nothing.
void tst_ModelVersion::upToDateCachesAreMappedNotRebuilt()
{
    QTemporaryDir dir;
    const auto project = importColours(dir, 4);
    JobControl control;
    QVERIFY(loadVersionData(*project, 0, control));
    const ino_t embeddings = inode(embeddingsPath(*project, 0));
    const ino_t index = inode(indexPath(*project, 0));

    const auto again = loadVersionData(*project, 0, control);
    QVERIFY(again);
    QVERIFY((*again)->embeddings.mappedValues);
    QCOMPARE((*again)->update.embedded, 0);
    QVERIFY(!(*again)->update.indexRebuilt);
    QCOMPARE(inode(embeddingsPath(*project, 0)), embeddings);
    QCOMPARE(inode(indexPath(*project, 0)), index);
    QCOMPARE(savedIndexStats(*project, 0)->kind, IndexKind::Exact);
    QCOMPARE(savedIndexStats(*project, 0)->size, 4);
    QCOMPARE(project->modelVersion(0)->metrics.value(QStringLiteral("index"))
                 .toObject().value(QStringLiteral("kind")).toString(),
             QStringLiteral("exact"));
}

void tst_ModelVersion::indexTurnsApproximatePastTheThreshold()
{
    QTemporaryDir dir;
    const auto project = importColours(dir, 7);
    JobControl control;
    IndexOptions options;
    options.approximateThreshold = 8;
    const auto small = loadVersionData(*project, 0, control, options);
    QCOMPARE((*small)->index.kind(), IndexKind::Exact);

    writeImage(dir.filePath(QStringLiteral("images/extra.png")), Qt::darkGreen, true);
    QVERIFY(importImages(*project, {dir.filePath(QStringLiteral("images"))}, control));
    const auto large = loadVersionData(*project, 0, control, options);
    QVERIFY2(large, qPrintable(large.error()));
    QCOMPARE((*large)->index.kind(), IndexKind::Approximate);
    QVERIFY((*large)->update.indexRebuilt);
    QCOMPARE((*large)->update.embedded, 1);
    QCOMPARE((*large)->index.size(), 8);
}

// Bytes changed inside an index file keep its size and header: check compares the file with
// the checksum written beside it, and a repair builds it again.
void tst_ModelVersion::damagedIndexBytesAreFoundByCheck()
{
    QTemporaryDir dir;
    const auto project = importColours(dir, 6);
    QVERIFY(project);
    JobControl control;
    QVERIFY(loadVersionData(*project, 0, control));
    QVERIFY(checkProject(*project).indexProblem.isEmpty());

    QFile index(indexPath(*project, 0));
    const qint64 size = index.size();
    QVERIFY(size > 1000);
    QVERIFY(index.open(QIODevice::ReadWrite));
    index.seek(size / 2);
    index.write(QByteArray(64, '\x7f'));
    index.close();
    QCOMPARE(index.size(), size);

    const CheckReport damaged = checkProject(*project);
    QVERIFY2(damaged.indexProblem.contains(QStringLiteral("damaged")),
             qPrintable(damaged.indexProblem));
    QVERIFY(repairProjectCaches(*project, damaged, control));
    QVERIFY(checkProject(*project).indexProblem.isEmpty());
}

QTEST_GUILESS_MAIN(tst_ModelVersion)
#include "tst_modelversion.moc"
