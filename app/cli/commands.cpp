#include "commands.h"

#include "io/demo.h"
#include "io/importer.h"
#include "io/projectcheck.h"
#include "io/labelscsv.h"
#include "ml/evaluation.h"
#include "ml/modelversion.h"
#include "ml/trainer.h"
#include "store/project.h"
#include "version.h"

#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace likeness::cli {

namespace {

std::atomic_bool interrupted = false;

void onInterrupt(int signal)
{
    if (interrupted.exchange(true)) {
        std::signal(signal, SIG_DFL);
        std::raise(signal);
    }
}

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

int fail(const QString &message)
{
    err() << Cli::tr("Error: %1").arg(message) << Qt::endl;
    return ExitFailure;
}

// Parses a command's arguments; on a usage error prints it and returns false.
bool parse(QCommandLineParser &parser, const QStringList &arguments, int positionals,
           int *exitCode)
{
    parser.addHelpOption();
    if (!parser.parse(arguments)) {
        err() << parser.errorText() << "\n\n" << parser.helpText();
        *exitCode = ExitUsage;
        return false;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out() << parser.helpText();
        *exitCode = ExitOk;
        return false;
    }
    if (parser.positionalArguments().size() < positionals) {
        err() << Cli::tr("Missing arguments.") << "\n\n" << parser.helpText();
        *exitCode = ExitUsage;
        return false;
    }
    return true;
}

// Progress on stderr: one updating line on a terminal, a line every 10% otherwise.
JobControl progressPrinter()
{
    const bool terminal = isatty(fileno(stderr));
    auto lastDecile = std::make_shared<qint64>(-1);
    auto lastText = std::make_shared<QString>();
    auto print = [=](qint64 done, qint64 total, const QString &text) {
        const qint64 percent = total > 0 ? done * 100 / total : 100;
        if (terminal) {
            err() << "\r\033[K" << text << ": " << percent << "%";
            if (done >= total) {
                err() << "\n";
            }
            err().flush();
            return;
        }
        if (percent / 10 != *lastDecile || text.section(u',', 0, 0) != *lastText) {
            *lastDecile = percent / 10;
            *lastText = text.section(u',', 0, 0);
            err() << text << ": " << percent << "%" << Qt::endl;
        }
    };
    return JobControl(print, [] { return interrupted.load(); });
}

std::unique_ptr<Project> openProject(const QString &folder, QString *error)
{
    auto project = Project::open(folder);
    if (!project) {
        *error = project.error();
        return nullptr;
    }
    return std::move(*project);
}

// Commands that only read also work while another program has the project open for
// writing, and on a read-only folder.
std::unique_ptr<Project> openForReading(const QString &folder, QString *error)
{
    auto project = Project::open(folder);
    if (!project && Project::isProject(folder)
        && (!Project::lockOwner(folder).isEmpty() || !QFileInfo(folder).isWritable())) {
        project = Project::open(folder, Project::OpenMode::ReadOnly);
    }
    if (!project) {
        *error = project.error();
        return nullptr;
    }
    return std::move(*project);
}

QString formatMetric(const std::optional<double> &value)
{
    return value ? QString::number(*value, 'f', 4) : Cli::tr("n/a");
}

QJsonValue metricJson(const std::optional<double> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

void printJson(const QJsonValue &value)
{
    out() << (value.isArray() ? QJsonDocument(value.toArray()).toJson()
                              : QJsonDocument(value.toObject()).toJson());
    out().flush();
}

void printImportReport(const ImportReport &report)
{
    out() << Cli::tr("Files seen: %1, added: %2, updated: %3, unchanged: %4, moved: %5, "
                     "duplicates: %6, skipped: %7, deleted since the last import: %8 (%9 s)")
                 .arg(report.filesSeen).arg(report.added).arg(report.updated)
                 .arg(report.unchanged).arg(report.moved).arg(report.duplicates)
                 .arg(report.skipped.size()).arg(report.missing)
                 .arg(report.seconds, 0, 'f', 1)
          << "\n";
    const QMap<QString, qint64> byStatus = report.skippedByStatus();
    for (auto it = byStatus.cbegin(); it != byStatus.cend(); ++it) {
        out() << "  " << Cli::tr("skipped as %1: %2").arg(it.key()).arg(it.value()) << "\n";
    }
    for (qsizetype i = 0; i < std::min<qsizetype>(report.skipped.size(), 50); ++i) {
        const SkippedFile &file = report.skipped[i];
        out() << "  " << Cli::tr("skipped %1 (%2): %3").arg(file.path, file.status, file.reason)
              << "\n";
    }
    if (report.skipped.size() > 50) {
        out() << "  "
              << Cli::tr("... and %1 more skipped files (--report FILE.csv lists them all)")
                     .arg(report.skipped.size() - 50)
              << "\n";
    }
    out().flush();
}

// Resolves IMAGE given as an image id or a path.
std::optional<ImageRecord> findImage(const Project &project, const QString &image)
{
    bool isNumber = false;
    const qint64 id = image.toLongLong(&isNumber);
    if (isNumber) {
        if (auto record = project.image(id)) {
            return record;
        }
    }
    return project.imageByPath(image);
}

QJsonArray neighboursJson(const Project &project, const QVector<Neighbour> &neighbours)
{
    QJsonArray list;
    for (const Neighbour &neighbour : neighbours) {
        const auto record = project.image(neighbour.id);
        list.append(QJsonObject{{QStringLiteral("id"), neighbour.id},
                                {QStringLiteral("path"), record ? record->path : QString()},
                                {QStringLiteral("similarity"), double(neighbour.similarity)},
                                {QStringLiteral("labels"),
                                 QJsonArray::fromStringList(project.labelsOfImage(neighbour.id))}});
    }
    return list;
}

int runInit(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(Cli::tr("Create an empty project folder."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), Cli::tr("Project folder to create."));
    int code = ExitOk;
    if (!parse(parser, arguments, 1, &code)) {
        return code;
    }

    const auto project = Project::create(parser.positionalArguments()[0]);
    if (!project) {
        return fail(project.error());
    }
    out() << Cli::tr("Created project %1").arg((*project)->folder()) << Qt::endl;
    return ExitOk;
}

int runImport(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Cli::tr("Import image files and folders (recursively) into a project. Running it "
                "again on the same folders is incremental and resumes an interrupted import."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), Cli::tr("Project folder."));
    parser.addPositionalArgument(QStringLiteral("PATH"), Cli::tr("Image files or folders."),
                                 QStringLiteral("PATH..."));
    const QCommandLineOption reportOption(
        QStringLiteral("report"),
        Cli::tr("Write every skipped, duplicate, moved and missing file as CSV to FILE."),
        QStringLiteral("FILE"));
    const QCommandLineOption threadsOption(
        QStringLiteral("threads"), Cli::tr("Decoding threads (default: one per core)."),
        QStringLiteral("N"));
    const QCommandLineOption maxPixelsOption(
        QStringLiteral("max-pixels"),
        Cli::tr("Refuse images that declare more pixels than N (default %1).")
            .arg(ImportOptions().maxPixels),
        QStringLiteral("N"));
    parser.addOptions({reportOption, threadsOption, maxPixelsOption});
    int code = ExitOk;
    if (!parse(parser, arguments, 2, &code)) {
        return code;
    }

    ImportOptions options;
    bool valid = true;
    if (parser.isSet(threadsOption)) {
        options.threads = parser.value(threadsOption).toInt(&valid);
        if (!valid || options.threads < 1) {
            err() << Cli::tr("--threads needs a positive number.") << "\n";
            return ExitUsage;
        }
    }
    if (parser.isSet(maxPixelsOption)) {
        options.maxPixels = parser.value(maxPixelsOption).toLongLong(&valid);
        if (!valid || options.maxPixels < 1) {
            err() << Cli::tr("--max-pixels needs a positive number.") << "\n";
            return ExitUsage;
        }
    }

    QString error;
    const auto project = openProject(parser.positionalArguments()[0], &error);
    if (!project) {
        return fail(error);
    }
    JobControl control = progressPrinter();
    const auto report = importImages(*project, parser.positionalArguments().mid(1), control,
                                     options);
    if (!report) {
        return fail(report.error());
    }
    printImportReport(*report);
    if (parser.isSet(reportOption)) {
        if (Status status = writeImportReportCsv(*report, parser.value(reportOption)); !status) {
            return fail(status.error());
        }
        out() << Cli::tr("Report written to %1").arg(parser.value(reportOption)) << Qt::endl;
    }
    if (report->canceled) {
        return fail(Cli::tr("Import cancelled; run the same command again to resume it."));
    }

    // A path that does not exist is a mistake in the command, not a bad file inside a folder.
    for (const QString &path : parser.positionalArguments().mid(1)) {
        if (!QFileInfo::exists(path)) {
            return fail(Cli::tr("%1 does not exist; check the path.").arg(path));
        }
    }
    return ExitOk;
}

int runLabelsImport(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(Cli::tr("Import image labels from a CSV file."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), Cli::tr("Project folder."));
    parser.addPositionalArgument(QStringLiteral("CSV"), Cli::tr("CSV file with a header row."));
    parser.addOptions({
        {QStringLiteral("image-column"),
         Cli::tr("Column naming the image: a path, a file name or a file stem."),
         QStringLiteral("NAME")},
        {QStringLiteral("labels-column"), Cli::tr("Column holding the labels."),
         QStringLiteral("NAME")},
        {QStringLiteral("separator"), Cli::tr("Separator between labels in the field (default ,)."),
         QStringLiteral("S"), QStringLiteral(",")},
    });
    int code = ExitOk;
    if (!parse(parser, arguments, 2, &code)) {
        return code;
    }
    if (!parser.isSet(QStringLiteral("image-column"))
        || !parser.isSet(QStringLiteral("labels-column"))) {
        err() << Cli::tr("Both --image-column and --labels-column are required.") << "\n";
        return ExitUsage;
    }

    QString error;
    const auto project = openProject(parser.positionalArguments()[0], &error);
    if (!project) {
        return fail(error);
    }
    LabelCsvOptions options;
    options.imageColumn = parser.value(QStringLiteral("image-column"));
    options.labelsColumn = parser.value(QStringLiteral("labels-column"));
    options.separator = parser.value(QStringLiteral("separator"));
    const auto report = importLabelsCsv(*project, parser.positionalArguments()[1], options);
    if (!report) {
        return fail(report.error());
    }

    out() << Cli::tr("Rows: %1, images matched (their labels replaced): %2, label assignments: "
                     "%3, distinct labels: %4, rows without a matching image: %5, rows matching "
                     "several images: %6")
                 .arg(report->rows).arg(report->matchedImages).arg(report->assignments)
                 .arg(report->labels).arg(report->unmatchedCount).arg(report->ambiguousCount)
          << "\n";
    if (!report->ambiguous.isEmpty()) {
        out() << "  " << Cli::tr("matching several images (left unlabelled; use full paths), "
                                 "e.g.: %1")
                             .arg(report->ambiguous.mid(0, 10).join(QStringLiteral(", ")))
              << "\n";
    }
    if (!report->unmatched.isEmpty()) {
        out() << "  " << Cli::tr("unmatched, e.g.: %1")
                             .arg(report->unmatched.mid(0, 10).join(QStringLiteral(", ")))
              << "\n";
    }
    out().flush();
    return ExitOk;
}

int runLabelsExport(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(Cli::tr("Export image labels to a CSV file."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), Cli::tr("Project folder."));
    parser.addPositionalArgument(QStringLiteral("CSV"), Cli::tr("CSV file to write."));
    parser.addOption({QStringLiteral("overwrite"), Cli::tr("Replace the CSV file if it exists.")});
    int code = ExitOk;
    if (!parse(parser, arguments, 2, &code)) {
        return code;
    }

    QString error;
    const auto project = openForReading(parser.positionalArguments()[0], &error);
    if (!project) {
        return fail(error);
    }
    if (Status status = exportLabelsCsv(*project, parser.positionalArguments()[1],
                                        parser.isSet(QStringLiteral("overwrite")));
        !status) {
        return fail(status.error());
    }
    out() << Cli::tr("Wrote %1").arg(parser.positionalArguments()[1]) << Qt::endl;
    return ExitOk;
}

void addTrainOptions(QCommandLineParser &parser)
{
    const TrainSettings defaults;
    parser.addOptions({
        {QStringLiteral("epochs"), Cli::tr("Training epochs (default %1).").arg(defaults.epochs),
         QStringLiteral("N"), QString::number(defaults.epochs)},
        {QStringLiteral("batch-size"), Cli::tr("Images per step (default %1).")
                                           .arg(defaults.batchSize),
         QStringLiteral("N"), QString::number(defaults.batchSize)},
        {QStringLiteral("device"), Cli::tr("auto, cpu or cuda (default auto)."),
         QStringLiteral("DEVICE"), QStringLiteral("auto")},
        {QStringLiteral("threads"), Cli::tr("CPU threads (default: every core)."),
         QStringLiteral("N"), QStringLiteral("0")},
        {QStringLiteral("live-even-if-worse"),
         Cli::tr("Make the new version current even if it scores worse than the current one.")},
    });
}

std::optional<TrainSettings> trainSettings(const QCommandLineParser &parser)
{
    TrainSettings settings;
    bool ok = true;
    bool all = true;
    settings.epochs = parser.value(QStringLiteral("epochs")).toInt(&ok);
    all = all && ok;
    settings.batchSize = parser.value(QStringLiteral("batch-size")).toInt(&ok);
    all = all && ok;
    settings.threads = parser.value(QStringLiteral("threads")).toInt(&ok);
    all = all && ok;
    settings.device = parser.value(QStringLiteral("device"));
    settings.liveEvenIfWorse = parser.isSet(QStringLiteral("live-even-if-worse"));
    const int maxThreads = 4 * QThread::idealThreadCount();
    if (!all || settings.epochs < 1 || settings.batchSize < 2 || settings.threads < 0
        || settings.threads > maxThreads) {
        return std::nullopt;
    }
    return settings;
}

void printTrainReport(const TrainReport &report)
{
    QStringList losses;
    for (double loss : report.lossPerEpoch) {
        losses.append(QString::number(loss, 'f', 3));
    }
    out() << Cli::tr("Model version %1 trained on %2 in %3 s (%4 labelled images, %5 "
                     "judgments, %6)")
                 .arg(report.version).arg(report.device).arg(report.seconds, 0, 'f', 1)
                 .arg(report.trainingImages).arg(report.trainingJudgments)
                 .arg(report.multiLabel ? Cli::tr("multi-label") : Cli::tr("single-label"))
          << "\n"
          << Cli::tr("Loss per epoch: %1").arg(losses.join(QStringLiteral(" "))) << "\n"
          << Cli::tr("Held-out kNN accuracy %1, MAP@R %2, judgment agreement %3")
                 .arg(formatMetric(report.metrics.knnAccuracy),
                      formatMetric(report.metrics.mapAtR),
                      formatMetric(report.metrics.tripletAgreement))
          << "\n";
    if (report.live) {
        out() << Cli::tr("Version %1 is now current.").arg(report.version) << Qt::endl;
        return;
    }
    out() << Cli::tr("Version %1 scored worse than version %2 (MAP@R %3, judgment agreement "
                     "%4), which stays current; use --live-even-if-worse to switch anyway.")
                 .arg(report.version).arg(report.previousVersion)
                 .arg(formatMetric(report.previousMetrics.mapAtR),
                      formatMetric(report.previousMetrics.tripletAgreement))
          << Qt::endl;
}

int runTrain(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Cli::tr("Train a new model version on the project's labels and judgments and make "
                "it current."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), Cli::tr("Project folder."));
    addTrainOptions(parser);
    int code = ExitOk;
    if (!parse(parser, arguments, 1, &code)) {
        return code;
    }
    const auto settings = trainSettings(parser);
    if (!settings) {
        err() << Cli::tr("--epochs takes a whole number of at least 1, --batch-size one of at "
                         "least 2 and --threads one from 0 (every core) to %1.")
                     .arg(4 * QThread::idealThreadCount())
              << "\n";
        return ExitUsage;
    }

    QString error;
    const auto project = openProject(parser.positionalArguments()[0], &error);
    if (!project) {
        return fail(error);
    }
    JobControl control = progressPrinter();
    const auto report = trainModelVersion(*project, *settings, control);
    if (!report) {
        return fail(report.error());
    }
    printTrainReport(*report);
    return ExitOk;
}

std::shared_ptr<const VersionData> loadCurrent(Project &project, QString *error)
{
    JobControl control = progressPrinter();
    const auto data = loadVersionData(project, project.currentModelVersion(), control);
    if (!data) {
        *error = data.error();
        return nullptr;
    }
    return *data;
}

int runKnn(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Cli::tr("List the nearest neighbours of an image under the current model version."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), Cli::tr("Project folder."));
    parser.addPositionalArgument(QStringLiteral("IMAGE"), Cli::tr("An image id or path."));
    parser.addOptions({
        {{QStringLiteral("k"), QStringLiteral("neighbours")}, Cli::tr("Neighbours (default 10)."),
         QStringLiteral("K"), QStringLiteral("10")},
        {QStringLiteral("json"), Cli::tr("Print JSON.")},
    });
    int code = ExitOk;
    if (!parse(parser, arguments, 2, &code)) {
        return code;
    }
    bool ok = false;
    const int k = parser.value(QStringLiteral("k")).toInt(&ok);
    if (!ok || k < 1) {
        err() << Cli::tr("-k takes a whole number of at least 1.") << "\n";
        return ExitUsage;
    }

    QString error;
    const auto project = openForReading(parser.positionalArguments()[0], &error);
    if (!project) {
        return fail(error);
    }
    const auto image = findImage(*project, parser.positionalArguments()[1]);
    if (!image) {
        return fail(Cli::tr("No image '%1' in this project; give the full path it was imported "
                            "from, or an image id (the 'id' field of 'knn --json').")
                        .arg(parser.positionalArguments()[1]));
    }
    if (image->status != ImageStatus::Ok) {
        return fail(Cli::tr("Image %1 is %2 (%3); it has no neighbours.")
                        .arg(image->path, image->status, image->error));
    }
    const auto data = loadCurrent(*project, &error);
    if (!data) {
        return fail(error);
    }
    const auto neighbours = neighboursOfImage(*data, image->id, k);
    if (!neighbours) {
        return fail(neighbours.error());
    }

    const QJsonArray list = neighboursJson(*project, *neighbours);
    if (parser.isSet(QStringLiteral("json"))) {
        printJson(list);
        return ExitOk;
    }
    out() << Cli::tr("Neighbours of %1 [%2] under model version %3:")
                 .arg(image->path, project->labelsOfImage(image->id).join(QStringLiteral(", ")))
                 .arg(data->version)
          << "\n";
    for (const QJsonValue &value : list) {
        const QJsonObject neighbour = value.toObject();
        out() << QStringLiteral("  %1  %2  %3 [%4]")
                     .arg(neighbour[QStringLiteral("similarity")].toDouble(), 6, 'f', 3)
                     .arg(neighbour[QStringLiteral("id")].toInteger(), 6)
                     .arg(neighbour[QStringLiteral("path")].toString(),
                          neighbour[QStringLiteral("labels")].toVariant().toStringList().join(
                              QStringLiteral(", ")))
              << "\n";
    }
    out().flush();
    return ExitOk;
}

QJsonObject metricsJson(const Metrics &metrics, int version)
{
    return {{QStringLiteral("model_version"), version},
            {QStringLiteral("knn_accuracy"), metricJson(metrics.knnAccuracy)},
            {QStringLiteral("map_at_r"), metricJson(metrics.mapAtR)},
            {QStringLiteral("triplet_agreement"), metricJson(metrics.tripletAgreement)},
            {QStringLiteral("held_out_images"), metrics.heldOutImages},
            {QStringLiteral("held_out_judgments"), metrics.heldOutJudgments}};
}

int runEval(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Cli::tr("Evaluate the current model version on the project's held-out part."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), Cli::tr("Project folder."));
    parser.addOption({QStringLiteral("json"), Cli::tr("Print JSON.")});
    int code = ExitOk;
    if (!parse(parser, arguments, 1, &code)) {
        return code;
    }

    QString error;
    const auto project = openForReading(parser.positionalArguments()[0], &error);
    if (!project) {
        return fail(error);
    }
    const auto data = loadCurrent(*project, &error);
    if (!data) {
        return fail(error);
    }
    const Metrics metrics = evaluateEmbeddings(*project, data->embeddings);
    if (parser.isSet(QStringLiteral("json"))) {
        printJson(metricsJson(metrics, data->version));
        return ExitOk;
    }
    out() << Cli::tr("Model version %1 on %2 held-out images and %3 held-out judgments:")
                 .arg(data->version).arg(metrics.heldOutImages).arg(metrics.heldOutJudgments)
          << "\n"
          << Cli::tr("  kNN accuracy %1, MAP@R %2, judgment agreement %3")
                 .arg(formatMetric(metrics.knnAccuracy), formatMetric(metrics.mapAtR),
                      formatMetric(metrics.tripletAgreement))
          << Qt::endl;
    return ExitOk;
}

// Labels that at least one image carries (labels are kept when their last image loses them).
qint64 labelsInUse(const Project &project)
{
    const QVector<QPair<qint64, qint64>> counts = project.labelCounts();
    return std::count_if(counts.cbegin(), counts.cend(),
                         [](const QPair<qint64, qint64> &count) { return count.second > 0; });
}

QJsonObject infoJson(const Project &project)
{
    QJsonArray versions;
    for (const ModelVersionRecord &record : project.modelVersions()) {
        versions.append(QJsonObject{{QStringLiteral("version"), record.version},
                                    {QStringLiteral("backbone"), record.backbone},
                                    {QStringLiteral("status"), record.status},
                                    {QStringLiteral("metrics"), record.metrics}});
    }
    return {{QStringLiteral("project"), project.folder()},
            {QStringLiteral("images"), project.imageCount()},
            {QStringLiteral("images_ok"), project.imageCount(ImageStatus::Ok)},
            {QStringLiteral("labels"), qint64(project.labels().size())},
            {QStringLiteral("labels_in_use"), labelsInUse(project)},
            {QStringLiteral("label_assignments"), project.labelAssignmentCount()},
            {QStringLiteral("judgments"), project.judgmentCount()},
            {QStringLiteral("current_model"), project.currentModelVersion()},
            {QStringLiteral("model_versions"), versions}};
}

int runInfo(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(Cli::tr("Summarise a project."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), Cli::tr("Project folder."));
    parser.addOption({QStringLiteral("json"), Cli::tr("Print JSON.")});
    int code = ExitOk;
    if (!parse(parser, arguments, 1, &code)) {
        return code;
    }

    QString error;
    const auto project = openForReading(parser.positionalArguments()[0], &error);
    if (!project) {
        return fail(error);
    }
    const QJsonObject info = infoJson(*project);
    if (parser.isSet(QStringLiteral("json"))) {
        printJson(info);
        return ExitOk;
    }
    out() << Cli::tr("Project %1").arg(project->folder()) << "\n"
          << Cli::tr("  images: %1 (%2 ok)").arg(info[QStringLiteral("images")].toInteger())
                 .arg(info[QStringLiteral("images_ok")].toInteger()) << "\n"
          << Cli::tr("  labels: %1 (%2 in use), label assignments: %3")
                 .arg(info[QStringLiteral("labels")].toInteger())
                 .arg(info[QStringLiteral("labels_in_use")].toInteger())
                 .arg(info[QStringLiteral("label_assignments")].toInteger()) << "\n"
          << Cli::tr("  judgments: %1").arg(info[QStringLiteral("judgments")].toInteger()) << "\n"
          << Cli::tr("  current model version: %1").arg(project->currentModelVersion()) << "\n";
    for (const ModelVersionRecord &record : project->modelVersions()) {
        const Metrics metrics = Metrics::fromJson(record.metrics);
        out() << Cli::tr("  v%1 %2 %3: kNN accuracy %4, MAP@R %5")
                     .arg(record.version).arg(record.backbone, record.status,
                                              formatMetric(metrics.knnAccuracy),
                                              formatMetric(metrics.mapAtR))
              << "\n";
    }
    out().flush();
    return ExitOk;
}

int runBackup(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Cli::tr("Write a consistent copy of the project's database (all human work), even "
                "while another program is writing to it."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), Cli::tr("Project folder."));
    parser.addPositionalArgument(QStringLiteral("FILE"), Cli::tr("Backup file to create."));
    int code = ExitOk;
    if (!parse(parser, arguments, 2, &code)) {
        return code;
    }

    // Read-only: a backup needs no lock, so it works next to the open app.
    QString error;
    const auto project = openForReading(parser.positionalArguments()[0], &error);
    if (!project) {
        return fail(error);
    }
    const QString file = parser.positionalArguments()[1];
    if (Status status = project->backup(file); !status) {
        return fail(status.error());
    }
    out() << Cli::tr("Backed up %1 to %2").arg(project->folder(), file) << Qt::endl;
    return ExitOk;
}

int runRestore(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Cli::tr("Replace a project's database with a backup. The replaced database is kept "
                "as project.sqlite.before-restore."));
    parser.addPositionalArgument(QStringLiteral("FILE"), Cli::tr("Backup file."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), Cli::tr("Project folder."));
    int code = ExitOk;
    if (!parse(parser, arguments, 2, &code)) {
        return code;
    }

    const QString file = parser.positionalArguments()[0];
    const QString folder = parser.positionalArguments()[1];
    if (Status status = Project::restore(file, folder); !status) {
        return fail(status.error());
    }
    out() << Cli::tr("Restored %1 from %2").arg(folder, file) << Qt::endl;
    return ExitOk;
}

// Prints the first 20 lines of a list, indented, and how many more there are.
void printSome(const QStringList &lines)
{
    constexpr int Shown = 20;
    for (const QString &line : lines.mid(0, Shown)) {
        out() << "  " << line << "\n";
    }
    if (lines.size() > Shown) {
        out() << "  " << Cli::tr("... and %1 more").arg(lines.size() - Shown) << "\n";
    }
}

// Prints what a check found; returns whether anything needs attention.
bool printCheckReport(const CheckReport &report)
{
    if (report.databaseProblems.isEmpty()) {
        out() << Cli::tr("project.sqlite: ok") << "\n";
    } else {
        out() << Cli::tr("project.sqlite is damaged; restore it from a backup "
                         "('likeness-cli restore'):") << "\n";
        printSome(report.databaseProblems);
    }
    if (!report.missingFiles.isEmpty()) {
        out() << Cli::tr("image files: %1 of %2 ok images' files are gone; --repair marks them "
                         "missing").arg(report.missingFiles.size()).arg(report.okImages) << "\n";
    }
    if (!report.cacheProblem.isEmpty()) {
        out() << Cli::tr("thumbnail cache: %1; --repair starts it again").arg(report.cacheProblem)
              << "\n";
    }
    if (report.missingThumbnails.isEmpty()) {
        out() << Cli::tr("thumbnails: ok (%1 images)").arg(report.okImages) << "\n";
    } else {
        out() << Cli::tr("thumbnails: %1 of %2 ok images have none; --repair reads them again "
                         "from the image files")
                     .arg(report.missingThumbnails.size()).arg(report.okImages) << "\n";
    }
    if (!report.staleThumbnails.isEmpty()) {
        out() << Cli::tr("thumbnails: %1 cached for other contents than their images have now; "
                         "--repair removes them").arg(report.staleThumbnails.size()) << "\n";
    }
    const QString rebuild = Cli::tr("; --repair rebuilds it");
    if (report.versionCachesNotBuilt) {
        out() << Cli::tr("embeddings and index of version %1: not built yet (built when first "
                         "needed)").arg(report.version) << Qt::endl;
    } else {
        out() << Cli::tr("embeddings of version %1: %2")
                 .arg(report.version)
                 .arg(report.embeddingsProblem.isEmpty() ? Cli::tr("ok")
                                                         : report.embeddingsProblem + rebuild)
          << "\n"
          << Cli::tr("index of version %1: %2")
                 .arg(report.version)
                 .arg(report.indexProblem.isEmpty() ? Cli::tr("ok") : report.indexProblem + rebuild)
          << Qt::endl;
    }
    for (int version : report.interruptedVersions) {
        out() << Cli::tr("model version %1: its training was interrupted; --repair marks it "
                         "failed").arg(version) << Qt::endl;
    }
    if (report.miscountedLabels.isEmpty()) {
        out() << Cli::tr("label counts: ok") << "\n";
    } else {
        out() << Cli::tr("label counts: %n label(s) counted wrong; --repair recounts them", "",
                         int(report.miscountedLabels.size()))
              << "\n";
    }
    return !report.databaseProblems.isEmpty() || report.cachesNeedRepair();
}

int runCheck(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Cli::tr("Check the project's database and caches; with --repair, rebuild the caches "
                "(thumbnails, embeddings and index of the current version)."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), Cli::tr("Project folder."));
    parser.addOption({QStringLiteral("repair"), Cli::tr("Rebuild missing or damaged caches.")});
    int code = ExitOk;
    if (!parse(parser, arguments, 1, &code)) {
        return code;
    }

    const bool repair = parser.isSet(QStringLiteral("repair"));
    QString error;
    const auto project = repair ? openProject(parser.positionalArguments()[0], &error)
                                : openForReading(parser.positionalArguments()[0], &error);
    if (!project) {
        return fail(error);
    }
    const CheckReport report = checkProject(*project);
    const bool problems = printCheckReport(report);
    if (!repair) {
        return problems ? ExitFailure : ExitOk;
    }
    if (!report.cachesNeedRepair() && !report.versionCachesNotBuilt) {
        return problems ? ExitFailure : ExitOk;
    }

    JobControl control = progressPrinter();
    const auto repaired = repairProjectCaches(*project, report, control);
    if (!repaired) {
        return fail(repaired.error());
    }
    out() << Cli::tr("Repaired: %1 thumbnails rebuilt, embeddings and index %2, %3 interrupted "
                     "versions marked failed, label counts %4.")
                 .arg(repaired->thumbnailsRebuilt)
                 .arg(repaired->versionRebuilt ? Cli::tr("rebuilt") : Cli::tr("kept"))
                 .arg(repaired->versionsMarkedFailed)
                 .arg(repaired->labelsRecounted ? Cli::tr("recounted") : Cli::tr("kept"))
          << "\n";
    if (repaired->cacheReset) {
        out() << Cli::tr("The damaged thumbnail cache was put aside as thumbs.sqlite.damaged.")
              << "\n";
    }
    if (repaired->filesMarkedMissing > 0) {
        out() << Cli::tr("%1 images whose files are gone were marked missing; import their "
                         "folders again when they are back.").arg(repaired->filesMarkedMissing)
              << "\n";
    }
    QStringList unreadable;
    for (const QString &failure : repaired->thumbnailFailures) {
        unreadable.append(Cli::tr("cannot read %1; marked corrupt or missing").arg(failure));
    }
    printSome(unreadable);
    out() << Cli::tr("After the repair:") << "\n";
    return printCheckReport(checkProject(*project)) ? ExitFailure : ExitOk;
}

int runDemo(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Cli::tr("Create a demo project from Fashion-MNIST: import images and labels, measure "
                "the classic embedding, train, measure again and show neighbours."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), Cli::tr("Project folder to create."));
    parser.addOption({QStringLiteral("limit"), Cli::tr("Images to use (default 4000)."),
                      QStringLiteral("N"), QStringLiteral("4000")});
    addTrainOptions(parser);
    int code = ExitOk;
    if (!parse(parser, arguments, 1, &code)) {
        return code;
    }
    bool ok = false;
    const int limit = parser.value(QStringLiteral("limit")).toInt(&ok);
    const auto settings = trainSettings(parser);
    if (!ok || !settings) {
        err() << Cli::tr("--limit takes a whole number; --epochs one of at least 1, --batch-size "
                         "one of at least 2 and --threads one from 0 (every core) to %1.")
                     .arg(4 * QThread::idealThreadCount())
              << "\n";
        return ExitUsage;
    }
    QElapsedTimer timer;
    timer.start();

    const QString folder = parser.positionalArguments()[0];
    auto created = Project::create(folder);
    if (!created) {
        return fail(created.error());
    }
    Project &project = **created;
    JobControl control = progressPrinter();
    const auto demo = createDemoData(project, limit, control);
    if (!demo) {
        return fail(demo.error());
    }

    QString error;
    const auto before = loadCurrent(project, &error);
    if (!before) {
        return fail(error);
    }
    const Metrics classic = evaluateEmbeddings(project, before->embeddings);
    const auto report = trainModelVersion(project, *settings, control);
    if (!report) {
        return fail(report.error());
    }
    if (!report->live) {
        out() << Cli::tr("The trained version scored worse than the classic descriptor and "
                         "was not made current; try more images (--limit) or epochs.")
              << "\n";
    }
    const auto after = loadCurrent(project, &error);
    if (!after) {
        return fail(error);
    }
    const qint64 example = after->embeddings.ids.value(0);
    const auto neighbours = neighboursOfImage(*after, example, 8);
    if (!neighbours) {
        return fail(neighbours.error());
    }

    out() << "\n" << Cli::tr("Likeness demo on Fashion-MNIST") << "\n"
          << Cli::tr("  project: %1").arg(project.folder()) << "\n"
          << Cli::tr("  images: %1, labels: %2, label assignments: %3")
                 .arg(project.imageCount(ImageStatus::Ok)).arg(project.labels().size())
                 .arg(project.labelAssignmentCount()) << "\n"
          << Cli::tr("  held-out kNN accuracy: %1 before training (classic descriptor), %2 "
                     "after (model version %3)")
                 .arg(formatMetric(classic.knnAccuracy), formatMetric(report->metrics.knnAccuracy))
                 .arg(report->version) << "\n"
          << Cli::tr("  held-out MAP@R: %1 before, %2 after")
                 .arg(formatMetric(classic.mapAtR), formatMetric(report->metrics.mapAtR)) << "\n"
          << Cli::tr("  training: %1 s on %2; whole demo: %3 s")
                 .arg(report->seconds, 0, 'f', 1).arg(report->device)
                 .arg(timer.elapsed() / 1000.0, 0, 'f', 1) << "\n";
    const auto record = project.image(example);
    out() << Cli::tr("  neighbours of image %1 [%2]:")
                 .arg(record ? QFileInfo(record->path).fileName() : QString::number(example),
                      project.labelsOfImage(example).join(QStringLiteral(", "))) << "\n";
    for (const Neighbour &neighbour : *neighbours) {
        const auto other = project.image(neighbour.id);
        out() << QStringLiteral("    %1  %2 [%3]")
                     .arg(neighbour.similarity, 6, 'f', 3)
                     .arg(other ? QFileInfo(other->path).fileName() : QString(),
                          project.labelsOfImage(neighbour.id).join(QStringLiteral(", ")))
              << "\n";
    }
    const QString gui = QDir(QCoreApplication::applicationDirPath())
                            .absoluteFilePath(QStringLiteral("../gui/likeness"));
    out() << Cli::tr("Open it in the app with: %1 %2")
                 .arg(QFileInfo::exists(gui) ? QDir::cleanPath(gui) : QStringLiteral("likeness"),
                      project.folder())
          << Qt::endl;
    return ExitOk;
}

} // namespace

void installInterruptHandlers()
{
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
}

const QVector<Command> &commands()
{
    static const QVector<Command> list = {
        {QStringLiteral("init"), QStringLiteral("init PROJECT"), runInit},
        {QStringLiteral("import"), QStringLiteral("import PROJECT PATH..."), runImport},
        {QStringLiteral("labels import"),
         QStringLiteral("labels import PROJECT CSV --image-column NAME --labels-column NAME "
                        "[--separator S]"),
         runLabelsImport},
        {QStringLiteral("labels export"), QStringLiteral("labels export PROJECT CSV [--overwrite]"),
         runLabelsExport},
        {QStringLiteral("train"),
         QStringLiteral("train PROJECT [--epochs N] [--batch-size N] [--device auto|cpu|cuda] "
                        "[--threads N] [--live-even-if-worse]"),
         runTrain},
        {QStringLiteral("knn"), QStringLiteral("knn PROJECT IMAGE [-k K] [--json]"), runKnn},
        {QStringLiteral("eval"), QStringLiteral("eval PROJECT [--json]"), runEval},
        {QStringLiteral("info"), QStringLiteral("info PROJECT [--json]"), runInfo},
        {QStringLiteral("demo"), QStringLiteral("demo PROJECT [--limit N] [--epochs N]"), runDemo},
        {QStringLiteral("backup"), QStringLiteral("backup PROJECT FILE"), runBackup},
        {QStringLiteral("restore"), QStringLiteral("restore FILE PROJECT"), runRestore},
        {QStringLiteral("check"), QStringLiteral("check PROJECT [--repair]"), runCheck},
    };
    return list;
}

} // namespace likeness::cli
