#include "embeddings.h"

#include "imaging/decoder.h"
#include "imaging/descriptor.h"
#include "ml/modelversion.h"
#include "ml/network.h"
#include "store/project.h"

#include <QCryptographicHash>
#include <QDataStream>
#include <QFile>
#include <QSaveFile>
#include <QSet>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>

namespace likeness {

namespace {

constexpr quint32 Magic = 0x4d454b4c; // "LKEM" read as little-endian bytes
constexpr int FingerprintBytes = 32;
constexpr int EmbedChunk = 512;

} // namespace

qint64 EmbeddingMatrix::rowOf(qint64 imageId) const
{
    const auto it = std::lower_bound(ids.cbegin(), ids.cend(), imageId);
    return it != ids.cend() && *it == imageId ? it - ids.cbegin() : -1;
}

Status saveEmbeddings(const QString &path, const EmbeddingMatrix &matrix)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        return Status::failure(QStringLiteral("Cannot write %1: %2").arg(path, file.errorString()));
    }

    QDataStream out(&file);
    out.setByteOrder(QDataStream::LittleEndian);
    out << Magic << quint32(matrix.version) << quint32(matrix.dimension)
        << quint64(matrix.ids.size());
    const QByteArray fingerprint = matrix.contentFingerprint.leftJustified(FingerprintBytes,
                                                                           '\0', true);
    out.writeRawData(fingerprint.constData(), FingerprintBytes);
    for (qint64 id : matrix.ids) {
        out << id;
    }
    out.writeRawData(reinterpret_cast<const char *>(matrix.values.data()),
                     qsizetype(matrix.values.size() * sizeof(float)));
    if (out.status() != QDataStream::Ok || !file.commit()) {
        return Status::failure(QStringLiteral("Cannot write %1: %2 (is the disk full?)")
                                   .arg(path, file.errorString()));
    }
    return {};
}

Result<EmbeddingMatrix> loadEmbeddings(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return Result<EmbeddingMatrix>::failure(
            QStringLiteral("Cannot read %1: %2").arg(path, file.errorString()));
    }

    QDataStream in(&file);
    in.setByteOrder(QDataStream::LittleEndian);
    quint32 magic = 0;
    quint32 version = 0;
    quint32 dimension = 0;
    quint64 rows = 0;
    in >> magic >> version >> dimension >> rows;
    QByteArray fingerprint(FingerprintBytes, '\0');
    in.readRawData(fingerprint.data(), FingerprintBytes);
    const quint64 expected = 20 + FingerprintBytes + rows * 8 + rows * dimension * 4;
    if (magic != Magic || dimension == 0 || quint64(file.size()) != expected) {
        return Result<EmbeddingMatrix>::failure(
            QStringLiteral("%1 is not a complete embedding file; it will be rebuilt.")
                .arg(path));
    }

    EmbeddingMatrix matrix;
    matrix.version = int(version);
    matrix.dimension = int(dimension);
    matrix.contentFingerprint = fingerprint;
    matrix.ids.resize(qsizetype(rows));
    for (qint64 &id : matrix.ids) {
        in >> id;
    }
    matrix.values.resize(rows * dimension);
    in.readRawData(reinterpret_cast<char *>(matrix.values.data()),
                   qsizetype(matrix.values.size() * sizeof(float)));
    if (in.status() != QDataStream::Ok) {
        return Result<EmbeddingMatrix>::failure(QStringLiteral("Cannot read %1.").arg(path));
    }
    return matrix;
}

QByteArray imageContentFingerprint(const Project &project)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QSqlQuery query(project.database());
    query.setForwardOnly(true);
    query.exec(QStringLiteral("SELECT id, content_hash FROM images WHERE status = 'ok'"
                              " ORDER BY id"));
    while (query.next()) {
        hash.addData(query.value(0).toByteArray() + ':' + query.value(1).toByteArray() + '\n');
    }
    return hash.result();
}

QVector<qint64> embeddableImageIds(const Project &project)
{
    QSet<qint64> withInput;
    QSqlQuery query(project.cacheDatabase());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT image_id FROM thumbnails WHERE length(model_input) = ?"));
    query.addBindValue(ModelInputBytes);
    if (query.exec()) {
        while (query.next()) {
            withInput.insert(query.value(0).toLongLong());
        }
    }

    QVector<qint64> ids = project.imageIds(ImageStatus::Ok);
    ids.removeIf([&withInput](qint64 id) { return !withInput.contains(id); });
    return ids;
}

Result<EmbeddingMatrix> embedProjectImages(Project &project, int version, JobControl &control)
{
    std::unique_ptr<NetworkRunner> runner;
    EmbeddingMatrix matrix;
    matrix.version = version;
    matrix.dimension = ClassicDescriptorSize;
    if (version > 0) {
        auto loaded = NetworkRunner::load(modelFolder(project, version), QStringLiteral("auto"));
        if (!loaded) {
            return Result<EmbeddingMatrix>::failure(loaded.error());
        }
        runner = std::move(*loaded);
        matrix.dimension = runner->embeddingDimension();
    }

    const QVector<qint64> ids = embeddableImageIds(project);
    matrix.ids.reserve(ids.size());
    matrix.values.reserve(size_t(ids.size()) * matrix.dimension);
    for (qsizetype start = 0; start < ids.size(); start += EmbedChunk) {
        if (control.isCanceled()) {
            return Result<EmbeddingMatrix>::failure(QStringLiteral("Embedding was cancelled."));
        }
        control.setProgress(start, ids.size(), QStringLiteral("Embedding images"));

        QVector<qint64> chunkIds;
        QVector<QByteArray> inputs;
        for (qsizetype i = start; i < std::min(start + EmbedChunk, ids.size()); ++i) {
            QByteArray input = project.modelInput(ids[i]);
            if (input.size() == ModelInputBytes) {
                chunkIds.append(ids[i]);
                inputs.append(std::move(input));
            }
        }

        const size_t offset = matrix.values.size();
        matrix.values.resize(offset + size_t(chunkIds.size()) * matrix.dimension);
        if (runner) {
            if (Status status = runner->embed(inputs, matrix.values.data() + offset); !status) {
                return Result<EmbeddingMatrix>::failure(status.error());
            }
        } else {
            for (qsizetype i = 0; i < inputs.size(); ++i) {
                classicDescriptor(inputs[i], matrix.values.data() + offset
                                                 + size_t(i) * matrix.dimension);
            }
        }
        matrix.ids.append(chunkIds);
    }
    control.setProgress(ids.size(), ids.size(), QStringLiteral("Embedded"));
    matrix.contentFingerprint = imageContentFingerprint(project);
    return matrix;
}

Result<QVector<float>> embedModelInput(const Project &project, int version,
                                       const QByteArray &modelInput)
{
    if (modelInput.size() != ModelInputBytes) {
        return Result<QVector<float>>::failure(QStringLiteral("The picture was not decoded."));
    }
    if (version == 0) {
        QVector<float> vector(ClassicDescriptorSize);
        classicDescriptor(modelInput, vector.data());
        return vector;
    }

    auto runner = NetworkRunner::load(modelFolder(project, version), QStringLiteral("cpu"));
    if (!runner) {
        return Result<QVector<float>>::failure(runner.error());
    }
    QVector<float> vector((*runner)->embeddingDimension());
    if (Status status = (*runner)->embed({modelInput}, vector.data()); !status) {
        return Result<QVector<float>>::failure(status.error());
    }
    return vector;
}

} // namespace likeness
