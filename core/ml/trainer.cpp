#include "trainer.h"

#include "imaging/decoder.h"
#include "logging.h"
#include "ml/embeddings.h"
#include "ml/modelversion.h"
#include "store/project.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QThread>

#include "ml/torchnet.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace likeness {

namespace {

// What one training run learns from, read from the store once, outside the held-out part.
struct TrainingData
{
    torch::Tensor pixels;            // N × S × S × 3 uint8, every ok image with an input
    QHash<qint64, qint64> rowOf;     // image id → row of pixels
    std::vector<int64_t> labelled;   // rows with at least one label, not held out
    torch::Tensor targets;           // N × L float multi-hot (labels of each row)
    torch::Tensor classOf;           // N int64: the single label of each row, or -1
    QVector<qint64> labelIds;        // column j of targets ↔ labelIds[j]
    bool multiLabel = false;
    torch::Tensor judgments;         // J × 3 int64 rows: anchor, more similar, less similar
};

// TODO(#7): stream model inputs from the cache instead of holding all of them in memory, for
// projects of millions of images.
Result<TrainingData> readTrainingData(Project &project)
{
    TrainingData data;
    QVector<QByteArray> inputs;
    for (qint64 id : project.imageIds(ImageStatus::Ok)) {
        QByteArray input = project.modelInput(id);
        if (input.size() == ModelInputBytes) {
            data.rowOf.insert(id, inputs.size());
            inputs.append(std::move(input));
        }
    }
    if (inputs.isEmpty()) {
        return Result<TrainingData>::failure(
            QStringLiteral("The project has no readable images; import some first."));
    }
    data.pixels = packInputs(inputs);

    // Label columns: every label used by at least one image with a row.
    QHash<qint64, int> columnOf;
    QVector<QPair<qint64, int>> assignments;
    for (const auto &[imageId, labelId] : project.labelAssignments()) {
        const auto row = data.rowOf.constFind(imageId);
        if (row == data.rowOf.cend()) {
            continue;
        }
        auto column = columnOf.constFind(labelId);
        if (column == columnOf.cend()) {
            column = columnOf.insert(labelId, int(data.labelIds.size()));
            data.labelIds.append(labelId);
        }
        assignments.append({row.value(), column.value()});
    }

    const int64_t rows = inputs.size();
    const int64_t columns = std::max<int64_t>(1, data.labelIds.size());
    data.targets = torch::zeros({rows, columns});
    auto targets = data.targets.accessor<float, 2>();
    std::vector<int> labelCount(size_t(rows), 0);
    for (const auto &[row, column] : assignments) {
        targets[row][column] = 1.f;
        ++labelCount[size_t(row)];
    }
    data.classOf = torch::full({rows}, -1, torch::kInt64);
    auto classOf = data.classOf.accessor<int64_t, 1>();
    for (const auto &[row, column] : assignments) {
        classOf[row] = column;
    }
    for (auto it = data.rowOf.cbegin(); it != data.rowOf.cend(); ++it) {
        const int count = labelCount[size_t(it.value())];
        data.multiLabel = data.multiLabel || count > 1;
        if (count > 0 && !isHeldOutImage(it.key())) {
            data.labelled.push_back(it.value());
        }
    }
    std::sort(data.labelled.begin(), data.labelled.end());

    // Judgments become (anchor, more similar, less similar) rows; ties and skips say nothing
    // about order and are left out.
    std::vector<int64_t> triples;
    for (const Judgment &judgment : project.judgments()) {
        if (isHeldOutJudgment(judgment.id)
            || (judgment.choice != Choice::First && judgment.choice != Choice::Second)) {
            continue;
        }
        const qint64 anchor = data.rowOf.value(judgment.anchorId, -1);
        const qint64 first = data.rowOf.value(judgment.firstId, -1);
        const qint64 second = data.rowOf.value(judgment.secondId, -1);
        if (anchor < 0 || first < 0 || second < 0) {
            continue;
        }
        const bool firstCloser = judgment.choice == Choice::First;
        triples.insert(triples.end(),
                       {anchor, firstCloser ? first : second, firstCloser ? second : first});
    }
    data.judgments = torch::tensor(triples, torch::kInt64).reshape({-1, 3});

    if (data.labelled.empty() && data.judgments.size(0) == 0) {
        return Result<TrainingData>::failure(
            QStringLiteral("Nothing to learn from yet: label some images or rate some "
                           "triplets first."));
    }
    return data;
}

// Random flips and small shifts, the same for the whole batch: pixels N × S × S × 3 uint8.
torch::Tensor augment(const torch::Tensor &pixels, std::mt19937_64 &random)
{
    torch::Tensor out = pixels;
    if (random() % 2) {
        out = out.flip({2});
    }
    const int64_t dy = int64_t(random() % 5) - 2;
    const int64_t dx = int64_t(random() % 5) - 2;
    return out.roll({dy, dx}, {1, 2});
}

// Batch-hard triplet loss over label sets: for each anchor, its farthest image that shares a
// label and its nearest image that shares none. embeddings B × d (normalised), targets B × L.
torch::Tensor labelTripletLoss(const torch::Tensor &embeddings, const torch::Tensor &targets,
                               double margin)
{
    const torch::Tensor shares = targets.matmul(targets.t()) > 0;
    const torch::Tensor distance = 2 - 2 * embeddings.matmul(embeddings.t());
    const torch::Tensor self = torch::eye(embeddings.size(0), shares.options());
    const torch::Tensor positive = shares.logical_and(self.logical_not());
    const torch::Tensor negative = shares.logical_not();
    const torch::Tensor usable = positive.any(1).logical_and(negative.any(1));
    if (!usable.any().item<bool>()) {
        return torch::zeros({}, embeddings.options());
    }

    const torch::Tensor hardestPositive
        = distance.masked_fill(positive.logical_not(), -1e9).argmax(1);
    const torch::Tensor hardestNegative = distance.masked_fill(negative.logical_not(), 1e9)
                                              .argmin(1);
    const torch::Tensor anchors = usable.nonzero().squeeze(1);
    return torch::triplet_margin_loss(embeddings.index_select(0, anchors),
                                      embeddings.index_select(0, hardestPositive.index_select(
                                                                     0, anchors)),
                                      embeddings.index_select(0, hardestNegative.index_select(
                                                                     0, anchors)),
                                      margin);
}

// The score that decides whether a new version goes live: MAP@R when images are labelled,
// agreement with held-out judgments otherwise.
bool scoresWorse(const Metrics &candidate, const Metrics &current)
{
    if (candidate.mapAtR && current.mapAtR) {
        return *candidate.mapAtR < *current.mapAtR;
    }
    if (candidate.tripletAgreement && current.tripletAgreement) {
        return *candidate.tripletAgreement < *current.tripletAgreement;
    }
    return false;
}

Status writeModelFolder(const QString &folder, EmbeddingNet &net, const NetworkConfig &config,
                        const TrainSettings &settings)
{
    if (!QDir().mkpath(folder)) {
        return Status::failure(QStringLiteral("Cannot create %1.").arg(folder));
    }
    try {
        net->to(torch::kCPU);
        torch::save(net, QFile::encodeName(QDir(folder).filePath(QStringLiteral("weights.pt")))
                             .toStdString());
    } catch (const c10::Error &error) {
        return Status::failure(QStringLiteral("Cannot save the model: %1")
                                   .arg(QString::fromStdString(error.msg())));
    }

    QJsonObject json = config.toJson();
    json.insert(QStringLiteral("settings"), settings.toJson());
    QSaveFile file(QDir(folder).filePath(QStringLiteral("config.json")));
    if (!file.open(QIODevice::WriteOnly)
        || file.write(QJsonDocument(json).toJson()) < 0 || !file.commit()) {
        return Status::failure(QStringLiteral("Cannot write the model configuration in %1: %2")
                                   .arg(folder, file.errorString()));
    }
    return {};
}

} // namespace

QJsonObject TrainSettings::toJson() const
{
    return {{QStringLiteral("epochs"), epochs},
            {QStringLiteral("batch_size"), batchSize},
            {QStringLiteral("learning_rate"), learningRate},
            {QStringLiteral("embedding_dimension"), embeddingDimension},
            {QStringLiteral("label_weight"), labelWeight},
            {QStringLiteral("triplet_weight"), tripletWeight},
            {QStringLiteral("judgment_weight"), judgmentWeight},
            {QStringLiteral("margin"), margin},
            {QStringLiteral("device"), device},
            {QStringLiteral("seed"), QString::number(seed)},
            {QStringLiteral("live_even_if_worse"), liveEvenIfWorse}};
}

Result<TrainReport> trainModelVersion(Project &project, const TrainSettings &settings,
                                      JobControl &control)
{
    using Answer = Result<TrainReport>;
    if (settings.epochs < 1 || settings.batchSize < 2 || settings.learningRate <= 0) {
        return Answer::failure(QStringLiteral("Epochs must be at least 1, the batch size at "
                                              "least 2 and the learning rate positive."));
    }
    const auto device = resolveDevice(settings.device);
    if (!device) {
        return Answer::failure(device.error());
    }
    QElapsedTimer timer;
    timer.start();

    control.setProgress(0, 1, QStringLiteral("Reading labels and judgments"));
    auto data = readTrainingData(project);
    if (!data) {
        return Answer::failure(data.error());
    }

    TrainReport report;
    report.device = *device;
    report.multiLabel = data->multiLabel;
    report.trainingImages = qint64(data->labelled.size());
    report.trainingJudgments = data->judgments.size(0);

    // The run is recorded first, so a failed or interrupted run is visible as such.
    ModelVersionRecord record;
    record.parent = project.currentModelVersion();
    record.backbone = QStringLiteral("convnet");
    record.status = QStringLiteral("training");
    record.settings = settings.toJson();
    record.metrics = trainingProcessMarker();
    const auto version = project.addModelVersion(record);
    if (!version) {
        return Answer::failure(version.error());
    }
    report.version = *version;
    auto fail = [&](const QString &message) {
        QJsonObject failure{{QStringLiteral("error"), message}};
        project.updateModelVersion(report.version, QStringLiteral("failed"), failure);
        qCWarning(lcTrain) << "version" << report.version << "failed:" << message;
        return Answer::failure(message);
    };

    torch::set_num_threads(settings.threads > 0 ? settings.threads
                                                : std::max(1, QThread::idealThreadCount()));
    torch::manual_seed(settings.seed);
    std::mt19937_64 random(settings.seed);
    const torch::Device torchDevice = *device == QStringLiteral("cuda")
                                          ? torch::Device(torch::kCUDA)
                                          : torch::Device(torch::kCPU);
    const bool hasLabels = !data->labelled.empty();
    NetworkConfig config;
    config.inputSide = ModelInputSide;
    config.embeddingDimension = settings.embeddingDimension;
    config.labelCount = hasLabels ? int(data->labelIds.size()) : 0;
    config.multiLabel = data->multiLabel;
    config.labelIds = data->labelIds;
    qCInfo(lcTrain) << "training version" << report.version << "on" << *device << "with"
                    << report.trainingImages << "labelled images," << report.trainingJudgments
                    << "judgments," << config.labelCount << "labels"
                    << (config.multiLabel ? "(multi-label)" : "(single-label)");

    try {
        EmbeddingNet net(config.embeddingDimension, config.labelCount);
        net->to(torchDevice);
        torch::optim::Adam optimizer(net->parameters(),
                                     torch::optim::AdamOptions(settings.learningRate)
                                         .weight_decay(1e-4));

        const int64_t batch = settings.batchSize;
        const int64_t judgmentBatch = std::max<int64_t>(1, batch / 2);
        const int64_t judgmentCount = data->judgments.size(0);
        const int64_t steps = hasLabels
                                  ? (int64_t(data->labelled.size()) + batch - 1) / batch
                                  : (judgmentCount + judgmentBatch - 1) / judgmentBatch;
        const int64_t totalSteps = steps * settings.epochs;
        const torch::Tensor labelled = torch::tensor(data->labelled, torch::kInt64);

        for (int epoch = 0; epoch < settings.epochs; ++epoch) {
            // Cosine decay of the learning rate over the run.
            const double rate = settings.learningRate * 0.5
                                * (1 + std::cos(M_PI * epoch / settings.epochs));
            for (auto &group : optimizer.param_groups()) {
                static_cast<torch::optim::AdamOptions &>(group.options()).lr(rate);
            }
            net->train();
            const torch::Tensor order = hasLabels ? labelled.index_select(
                                            0, torch::randperm(labelled.size(0)))
                                                  : torch::Tensor();
            double epochLoss = 0;
            for (int64_t step = 0; step < steps; ++step) {
                if (control.isCanceled()) {
                    return fail(QStringLiteral("Training was cancelled; the current version "
                                               "stays live."));
                }
                torch::Tensor loss = torch::zeros({}, torch::TensorOptions().device(torchDevice));

                if (hasLabels) {
                    const torch::Tensor rows = order.slice(0, step * batch, (step + 1) * batch);
                    const torch::Tensor pixels
                        = augment(data->pixels.index_select(0, rows), random).to(torchDevice);
                    const torch::Tensor embeddings = net->embed(pixels);
                    const torch::Tensor targets
                        = data->targets.index_select(0, rows).to(torchDevice);
                    const torch::Tensor logits = net->labelLogits(embeddings);
                    const torch::Tensor labelLoss
                        = config.multiLabel
                              ? torch::nn::functional::binary_cross_entropy_with_logits(
                                  logits, targets)
                              : torch::nn::functional::cross_entropy(
                                  logits, data->classOf.index_select(0, rows).to(torchDevice));
                    loss = loss + settings.labelWeight * labelLoss
                           + settings.tripletWeight
                                 * labelTripletLoss(embeddings, targets, settings.margin);
                }
                if (judgmentCount > 0 && settings.judgmentWeight > 0) {
                    const torch::Tensor picked = data->judgments.index_select(
                        0, torch::randint(judgmentCount, {judgmentBatch}, torch::kInt64));
                    const torch::Tensor pixels
                        = data->pixels.index_select(0, picked.reshape({-1})).to(torchDevice);
                    const torch::Tensor embeddings
                        = net->embed(augment(pixels, random))
                              .reshape({-1, 3, config.embeddingDimension});
                    loss = loss
                           + settings.judgmentWeight
                                 * torch::triplet_margin_loss(embeddings.select(1, 0),
                                                              embeddings.select(1, 1),
                                                              embeddings.select(1, 2),
                                                              settings.margin);
                }

                const double value = loss.item<double>();
                if (!std::isfinite(value)) {
                    return fail(QStringLiteral("Training diverged (the loss became %1 in epoch "
                                               "%2); try a lower learning rate.")
                                    .arg(value).arg(epoch + 1));
                }
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                epochLoss += value;
                control.setProgress(epoch * steps + step + 1, totalSteps,
                                    QStringLiteral("Training epoch %1 of %2, loss %3")
                                        .arg(epoch + 1).arg(settings.epochs)
                                        .arg(value, 0, 'f', 3));
            }
            report.lossPerEpoch.append(epochLoss / double(steps));
            qCDebug(lcTrain) << "epoch" << epoch + 1 << "loss" << report.lossPerEpoch.last();
        }

        net->eval();
        if (Status status = writeModelFolder(modelFolder(project, report.version), net, config,
                                             settings);
            !status) {
            return fail(status.error());
        }
    } catch (const c10::Error &error) {
        return fail(QStringLiteral("LibTorch stopped the training: %1")
                        .arg(QString::fromStdString(error.msg())));
    }

    // Going live: embed every image, build the index, evaluate, and only then switch.
    auto versionData = loadVersionData(project, report.version, control);
    if (!versionData) {
        return fail(versionData.error());
    }
    const EmbeddingMatrix &embeddings = (*versionData)->embeddings;
    if (embeddings.rows() > 1) {
        const auto sample = std::min<qint64>(embeddings.rows(), 512);
        const torch::Tensor vectors = torch::from_blob(
            const_cast<float *>(embeddings.data()), {sample, embeddings.dimension});
        const double spread = (vectors - vectors.mean(0)).norm(2, 1).mean().item<double>();
        if (spread < 1e-3) {
            return fail(QStringLiteral("The embeddings collapsed (all images map to nearly the "
                                       "same point); the current version stays live."));
        }
    }
    report.metrics = evaluateEmbeddings(project, embeddings);
    report.previousVersion = record.parent;
    auto previous = loadVersionData(project, record.parent, control);
    if (previous) {
        report.previousMetrics = evaluateEmbeddings(project, (*previous)->embeddings);
        recordVersionMetrics(project, record.parent, report.previousMetrics);
    }
    report.live = settings.liveEvenIfWorse || !previous
                  || !scoresWorse(report.metrics, report.previousMetrics);
    report.seconds = timer.elapsed() / 1000.0;

    QJsonObject metrics = report.metrics.toJson();
    QJsonArray losses;
    for (double loss : std::as_const(report.lossPerEpoch)) {
        losses.append(loss);
    }
    metrics.insert(QStringLiteral("loss_per_epoch"), losses);
    metrics.insert(QStringLiteral("seconds"), report.seconds);
    metrics.insert(QStringLiteral("device"), report.device);
    metrics.insert(QStringLiteral("training_images"), report.trainingImages);
    metrics.insert(QStringLiteral("training_judgments"), report.trainingJudgments);
    if (Status status = project.updateModelVersion(report.version, QStringLiteral("ready"),
                                                   metrics);
        !status) {
        return fail(status.error());
    }
    if (!report.live) {
        qCInfo(lcTrain) << "version" << report.version << "scored worse than version"
                        << report.previousVersion << "which stays live";
        return report;
    }
    if (Status status = project.setCurrentModelVersion(report.version); !status) {
        return fail(status.error());
    }
    qCInfo(lcTrain) << "version" << report.version << "is live after" << report.seconds << "s";
    return report;
}

} // namespace likeness
