#include "network.h"

#include "imaging/decoder.h"
#include "logging.h"
#include "ml/trainer.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include "ml/torchnet.h"

#include <cstring>

namespace likeness {

namespace {

void appendConvBlock(torch::nn::Sequential &layers, int in, int out)
{
    layers->push_back(
        torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1).bias(false)));
    layers->push_back(torch::nn::BatchNorm2d(out));
    layers->push_back(torch::nn::ReLU());
    layers->push_back(torch::nn::MaxPool2d(2));
}

} // namespace

EmbeddingNetImpl::EmbeddingNetImpl(int embeddingDimension, int labelCount)
{
    torch::nn::Sequential layers;
    appendConvBlock(layers, 3, 32);
    appendConvBlock(layers, 32, 64);
    appendConvBlock(layers, 64, 128);
    layers->push_back(torch::nn::AdaptiveAvgPool2d(1));
    layers->push_back(torch::nn::Flatten());
    features = register_module("features", layers);
    projection = register_module(
        "projection",
        torch::nn::Sequential(torch::nn::Linear(128, 128), torch::nn::ReLU(),
                              torch::nn::Linear(torch::nn::LinearOptions(128, embeddingDimension)
                                                    .bias(false)),
                              torch::nn::BatchNorm1d(embeddingDimension)));
    if (labelCount > 0) {
        labelVectors = register_parameter(
            "label_vectors", torch::randn({labelCount, embeddingDimension}) * 0.1);
    }
}

torch::Tensor EmbeddingNetImpl::embed(const torch::Tensor &pixels)
{
    const torch::Tensor x = (pixels.permute({0, 3, 1, 2}).to(torch::kFloat32) / 255.0 - 0.5)
                            / 0.25;
    const torch::Tensor raw = projection->forward(features->forward(x));
    return torch::nn::functional::normalize(
        raw, torch::nn::functional::NormalizeFuncOptions().dim(1));
}

torch::Tensor EmbeddingNetImpl::labelLogits(const torch::Tensor &embeddings)
{
    const torch::Tensor weights = torch::nn::functional::normalize(
        labelVectors, torch::nn::functional::NormalizeFuncOptions().dim(1));
    return embeddings.matmul(weights.t()) * LabelLogitScale;
}

torch::Tensor packInputs(const QVector<QByteArray> &inputs)
{
    torch::Tensor pixels = torch::empty({qint64(inputs.size()), ModelInputSide, ModelInputSide, 3},
                                        torch::kUInt8);
    auto *out = pixels.data_ptr<uint8_t>();
    for (qsizetype i = 0; i < inputs.size(); ++i) {
        Q_ASSERT(inputs[i].size() == ModelInputBytes);
        std::memcpy(out + i * ModelInputBytes, inputs[i].constData(), ModelInputBytes);
    }
    return pixels;
}

QJsonObject NetworkConfig::toJson() const
{
    QJsonArray ids;
    for (qint64 id : labelIds) {
        ids.append(id);
    }
    return {{QStringLiteral("backbone"), QStringLiteral("convnet")},
            {QStringLiteral("input_side"), inputSide},
            {QStringLiteral("embedding_dimension"), embeddingDimension},
            {QStringLiteral("label_count"), labelCount},
            {QStringLiteral("multi_label"), multiLabel},
            {QStringLiteral("label_ids"), ids}};
}

NetworkConfig NetworkConfig::fromJson(const QJsonObject &json)
{
    NetworkConfig config;
    config.inputSide = json.value(QStringLiteral("input_side")).toInt();
    config.embeddingDimension = json.value(QStringLiteral("embedding_dimension")).toInt();
    config.labelCount = json.value(QStringLiteral("label_count")).toInt();
    config.multiLabel = json.value(QStringLiteral("multi_label")).toBool();
    for (const QJsonValue &id : json.value(QStringLiteral("label_ids")).toArray()) {
        config.labelIds.append(id.toInteger());
    }
    return config;
}

struct NetworkRunner::Private
{
    NetworkConfig config;
    EmbeddingNet net{nullptr};
    torch::Device device{torch::kCPU};
};

NetworkRunner::NetworkRunner() : d(std::make_unique<Private>()) {}
NetworkRunner::~NetworkRunner() = default;

Result<std::unique_ptr<NetworkRunner>> NetworkRunner::load(const QString &folder,
                                                           const QString &device)
{
    using Answer = Result<std::unique_ptr<NetworkRunner>>;
    QFile configFile(QDir(folder).filePath(QStringLiteral("config.json")));
    if (!configFile.open(QIODevice::ReadOnly)) {
        return Answer::failure(QStringLiteral("The model in %1 has no readable config.json; "
                                              "train a new version.").arg(folder));
    }
    const NetworkConfig config
        = NetworkConfig::fromJson(QJsonDocument::fromJson(configFile.readAll()).object());
    if (config.inputSide != ModelInputSide || config.embeddingDimension <= 0) {
        return Answer::failure(QStringLiteral("The model in %1 was made for another input "
                                              "size or is damaged.").arg(folder));
    }
    const auto resolved = resolveDevice(device);
    if (!resolved) {
        return Answer::failure(resolved.error());
    }

    std::unique_ptr<NetworkRunner> runner(new NetworkRunner);
    runner->d->config = config;
    runner->d->device = *resolved == QStringLiteral("cuda") ? torch::Device(torch::kCUDA)
                                                            : torch::Device(torch::kCPU);
    try {
        runner->d->net = EmbeddingNet(config.embeddingDimension, config.labelCount);
        const QString weights = QDir(folder).filePath(QStringLiteral("weights.pt"));
        torch::load(runner->d->net, QFile::encodeName(weights).toStdString());
        runner->d->net->to(runner->d->device);
        runner->d->net->eval();
    } catch (const c10::Error &error) {
        return Answer::failure(QStringLiteral("Cannot load the model weights in %1: %2")
                                   .arg(folder, QString::fromStdString(error.msg())));
    }
    return runner;
}

int NetworkRunner::embeddingDimension() const
{
    return d->config.embeddingDimension;
}

Status NetworkRunner::embed(const QVector<QByteArray> &inputs, float *out)
{
    try {
        torch::NoGradGuard noGrad;
        const torch::Tensor embeddings
            = d->net->embed(packInputs(inputs).to(d->device)).to(torch::kCPU).contiguous();
        std::memcpy(out, embeddings.data_ptr<float>(), embeddings.numel() * sizeof(float));
    } catch (const c10::Error &error) {
        return Status::failure(QStringLiteral("Embedding failed: %1")
                                   .arg(QString::fromStdString(error.msg())));
    }
    return {};
}

Result<QString> resolveDevice(const QString &requested)
{
    const bool cuda = torch::cuda::is_available();
    if (requested == QStringLiteral("cuda")) {
        if (!cuda) {
            return Result<QString>::failure(
                QStringLiteral("--device cuda was asked for, but this LibTorch has no CUDA "
                               "support or no GPU is present; use --device cpu or auto."));
        }
        return QStringLiteral("cuda");
    }
    if (requested == QStringLiteral("cpu")) {
        return QStringLiteral("cpu");
    }
    if (requested == QStringLiteral("auto") || requested.isEmpty()) {
        return cuda ? QStringLiteral("cuda") : QStringLiteral("cpu");
    }
    return Result<QString>::failure(
        QStringLiteral("Unknown device '%1'; use auto, cpu or cuda.").arg(requested));
}

} // namespace likeness
