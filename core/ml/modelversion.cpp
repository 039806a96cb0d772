#include "modelversion.h"

#include "logging.h"
#include "store/project.h"

#include <QDir>

namespace likeness {

namespace {

QString versionName(int version)
{
    return QStringLiteral("v%1").arg(version, 4, 10, QLatin1Char('0'));
}

} // namespace

QString embeddingsPath(const Project &project, int version)
{
    return project.filePath(QStringLiteral("embeddings/%1.f32").arg(versionName(version)));
}

QString indexPath(const Project &project, int version)
{
    return project.filePath(QStringLiteral("index/%1.faiss").arg(versionName(version)));
}

QString modelFolder(const Project &project, int version)
{
    return project.filePath(QStringLiteral("models/%1").arg(versionName(version)));
}

Result<std::shared_ptr<const VersionData>> loadVersionData(Project &project, int version,
                                                           JobControl &control)
{
    using Answer = Result<std::shared_ptr<const VersionData>>;
    QDir(project.folder()).mkpath(QStringLiteral("embeddings"));
    QDir(project.folder()).mkpath(QStringLiteral("index"));

    // The cached matrix is trusted only when it covers exactly the project's embeddable images,
    // with the contents they have now.
    const QVector<qint64> embeddable = embeddableImageIds(project);
    const qint64 okImages = project.imageCount(ImageStatus::Ok);
    if (embeddable.size() < okImages) {
        qCWarning(lcIndex).noquote()
            << QStringLiteral("%1 of %2 ok images have no cached model input and are left out "
                              "of embeddings and neighbours; 'likeness-cli check --repair' "
                              "reads them again.").arg(okImages - embeddable.size()).arg(okImages);
    }
    auto data = std::make_shared<VersionData>();
    data->version = version;
    bool rebuilt = false;
    auto cached = loadEmbeddings(embeddingsPath(project, version));
    if (cached && cached->version == version && cached->ids == embeddable
        && cached->contentFingerprint == imageContentFingerprint(project)) {
        data->embeddings = std::move(*cached);
    } else {
        qCInfo(lcIndex) << "embedding images with version" << version
                        << (cached ? "(cache out of date)" : "(no cache)");
        auto computed = embedProjectImages(project, version, control);
        if (!computed) {
            return Answer::failure(computed.error());
        }
        data->embeddings = std::move(*computed);
        if (Status status = saveEmbeddings(embeddingsPath(project, version), data->embeddings);
            !status) {
            qCWarning(lcIndex) << status.error();
        }
        rebuilt = true;
    }

    auto index = rebuilt ? Result<VectorIndex>::failure(QString())
                         : VectorIndex::load(indexPath(project, version), version);
    if (!index || index->size() != data->embeddings.rows()
        || index->dimension() != data->embeddings.dimension) {
        index = VectorIndex::build(data->embeddings);
        if (!index) {
            return Answer::failure(index.error());
        }
        if (Status status = index->save(indexPath(project, version)); !status) {
            qCWarning(lcIndex) << status.error();
        }
    }
    data->index = std::move(*index);
    return std::shared_ptr<const VersionData>(std::move(data));
}

Result<QVector<Neighbour>> neighboursOfImage(const VersionData &data, qint64 imageId, int k)
{
    const qint64 row = data.embeddings.rowOf(imageId);
    if (row < 0) {
        return Result<QVector<Neighbour>>::failure(
            QStringLiteral("Image %1 has no embedding (it is not an ok image of this project).")
                .arg(imageId));
    }
    return data.index.search(data.embeddings.row(row), k, imageId);
}

} // namespace likeness
