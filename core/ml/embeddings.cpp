#include "embeddings.h"

#include "imaging/decoder.h"
#include "logging.h"
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

constexpr quint32 Magic = 0x32454b4c; // "LKE2" read as little-endian bytes
constexpr int FingerprintBytes = 32;
constexpr qint64 HeaderBytes = 20 + FingerprintBytes;
constexpr int EmbedChunk = 512;

} // namespace

qint64 EmbeddingMatrix::rowOf(qint64 imageId) const
{
    const auto it = std::lower_bound(ids.cbegin(), ids.cend(), imageId);
    return it != ids.cend() && *it == imageId ? it - ids.cbegin() : -1;
}

quint64 contentKey(const QString &contentHash)
{
    return contentHash.left(16).toULongLong(nullptr, 16);
}

QHash<qint64, quint64> imageContentKeys(const Project &project)
{
    QHash<qint64, quint64> keys;
    QSqlQuery query(project.database());
    query.setForwardOnly(true);
    query.exec(QStringLiteral("SELECT id, content_hash FROM images WHERE status = 'ok'"));
    while (query.next()) {
        keys.insert(query.value(0).toLongLong(), contentKey(query.value(1).toString()));
    }
    return keys;
}

Status saveEmbeddings(const QString &path, const EmbeddingMatrix &matrix)
{
    if (!matrix.contentKeys.isEmpty() && matrix.contentKeys.size() != matrix.ids.size()) {
        return Status::failure(QStringLiteral("The embedding matrix has %1 rows but %2 content "
                                              "keys.").arg(matrix.rows())
                                   .arg(matrix.contentKeys.size()));
    }
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
    for (qint64 row = 0; row < matrix.rows(); ++row) {
        out << (matrix.contentKeys.isEmpty() ? quint64(0) : matrix.contentKeys[row]);
    }
    out.writeRawData(reinterpret_cast<const char *>(matrix.data()),
                     qsizetype(matrix.rows() * matrix.dimension * qint64(sizeof(float))));
    if (out.status() != QDataStream::Ok || !file.commit()) {
        return Status::failure(QStringLiteral("Cannot write %1: %2 (is the disk full?)")
                                   .arg(path, file.errorString()));
    }
    return {};
}

Result<EmbeddingMatrix> loadEmbeddings(const QString &path, MatrixLoad mode)
{
    auto file = std::make_shared<QFile>(path);
    if (!file->open(QIODevice::ReadOnly)) {
        return Result<EmbeddingMatrix>::failure(
            QStringLiteral("Cannot read %1: %2").arg(path, file->errorString()));
    }

    QDataStream in(file.get());
    in.setByteOrder(QDataStream::LittleEndian);
    quint32 magic = 0;
    quint32 version = 0;
    quint32 dimension = 0;
    quint64 rows = 0;
    in >> magic >> version >> dimension >> rows;
    QByteArray fingerprint(FingerprintBytes, '\0');
    in.readRawData(fingerprint.data(), FingerprintBytes);
    const quint64 valuesOffset = HeaderBytes + rows * 16;
    const quint64 expected = valuesOffset + rows * dimension * 4;
    if (magic != Magic || dimension == 0 || quint64(file->size()) != expected) {
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
    matrix.contentKeys.resize(qsizetype(rows));
    for (quint64 &key : matrix.contentKeys) {
        in >> key;
    }
    if (in.status() != QDataStream::Ok) {
        return Result<EmbeddingMatrix>::failure(QStringLiteral("Cannot read %1.").arg(path));
    }

    // The mapping starts on a page boundary and the rows at a multiple of 4 bytes, so the
    // floats are aligned.
    if (mode == MatrixLoad::Mapped && rows > 0) {
        uchar *mapped = file->map(qint64(valuesOffset), qint64(rows * dimension * 4));
        if (mapped) {
            matrix.mappedValues = reinterpret_cast<const float *>(mapped);
            matrix.mapping = std::move(file);
            return matrix;
        }
        qCWarning(lcIndex) << "cannot map" << path << "; reading it instead";
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
    auto matrix = embedImages(project, version, embeddableImageIds(project), control);
    if (matrix) {
        matrix->contentFingerprint = imageContentFingerprint(project);
    }
    return matrix;
}

Result<EmbeddingMatrix> embedImages(Project &project, int version, const QVector<qint64> &ids,
                                    JobControl &control)
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

    const QHash<qint64, quint64> keys = imageContentKeys(project);
    matrix.ids.reserve(ids.size());
    matrix.contentKeys.reserve(ids.size());
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
            if (input.size() == ModelInputBytes && keys.contains(ids[i])) {
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
        for (qint64 id : chunkIds) {
            matrix.contentKeys.append(keys.value(id));
        }
    }
    control.setProgress(ids.size(), ids.size(), QStringLiteral("Embedded"));
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
