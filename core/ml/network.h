#pragma once

// Private to core/ml: the trained network seen through Qt types only, so that callers need
// no LibTorch headers.

#include "result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QVector>

#include <memory>

namespace likeness {

// What a model folder's config.json holds.
struct NetworkConfig
{
    int inputSide = 32;
    int embeddingDimension = 64;
    int labelCount = 0;
    bool multiLabel = false;
    QVector<qint64> labelIds; // label head output j predicts label labelIds[j]

    QJsonObject toJson() const;
    static NetworkConfig fromJson(const QJsonObject &json);
};

// A trained network loaded for inference on one device.
class NetworkRunner
{
public:
    ~NetworkRunner();

    // folder: models/vNNNN/ with config.json and weights.pt. device: auto, cpu or cuda.
    static Result<std::unique_ptr<NetworkRunner>> load(const QString &folder,
                                                       const QString &device);

    int embeddingDimension() const;
    // inputs: model inputs (see imaging/decoder.h); out: inputs.size() × embeddingDimension()
    // floats, each row L2-normalised.
    Status embed(const QVector<QByteArray> &inputs, float *out);

private:
    NetworkRunner();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace likeness
