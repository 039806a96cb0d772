#include "commands.h"

#include "imaging/decoder.h"
#include "io/demo.h"
#include "io/importer.h"
#include "io/projectcheck.h"
#include "io/labelscsv.h"
#include "ml/evaluation.h"
#include "ml/modelversion.h"
#include "ml/neighbours.h"
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

QJsonArray neighboursJson(const Project &project, const QVector<NeighbourInfo> &neighbours)
{
    QJsonArray list;
    for (const NeighbourInfo &neighbour : neighbours) {
        const auto record = project.image(neighbour.id);
        list.append(QJsonObject{{QStringLiteral("id"), neighbour.id},
                                {QStringLiteral("path"), record ? record->path : QString()},
                                {QStringLiteral("similarity"), double(neighbour.similarity)},
                                {QStringLiteral("labels"),
                                 QJsonArray::fromStringList(neighbour.labels)},
                                {QStringLiteral("judged_with_query"),
                                 neighbour.judgedWithQuery}});
    }
    return list;
}

void printNeighbourLines(const QJsonArray &list)
{
    for (const QJsonValue &value : list) {
        const QJsonObject neighbour = value.toObject();
        const bool judged = neighbour[QStringLiteral("judged_with_query")].toBool();
        out() << QStringLiteral("  %1  %2 %3 %4 [%5]")
                     .arg(neighbour[QStringLiteral("similarity")].toDouble(), 6, 'f', 3)
                     .arg(neighbour[QStringLiteral("id")].toInteger(), 6)
                     .arg(judged ? QStringLiteral("*") : QStringLiteral(" "),
                          neighbour[QStringLiteral("path")].toString(),
                          neighbour[QStringLiteral("labels")].toVariant().toStringList().join(
                              QStringLiteral(", ")))
              << "\n";
    }
}

// Resolves every IMAGE argument to an ok image; on failure prints why and returns false.
bool resolveImages(const Project &project, const QStringList &arguments, QVector<qint64> *ids,
                   QString *error)
{
    for (const QString &argument : arguments) {
        const auto image = findImage(project, argument);
        if (!image) {
            *error = Cli::tr("No image '%1' in this project; give the full path it was imported "
                             "from, or an image id (the 'id' field of 'knn --json').")
                         .arg(argument);
            return false;
        }
        if (image->status != ImageStatus::Ok) {
            *error = Cli::tr("Image %1 is %2 (%3); it has no neighbours.")
                         .arg(image->path, image->status, image->error);
            return false;
        }
        ids->append(image->id);
    }
    return true;
}

QString indexSummary(const IndexStats &stats)
{
    const QString recall = stats.recallAt10 ? QString::number(*stats.recallAt10, 'f', 3)
                                            : Cli::tr("n/a");
    if (stats.kind == IndexKind::Exact) {
        return Cli::tr("exact index of %1 vectors").arg(stats.size);
    }
    return Cli::tr("approximate index of %1 vectors (%2 clusters, %3 searched), recall@10 %4 "
                   "on %5 sampled queries")
        .arg(stats.size).arg(stats.lists).arg(stats.probes).arg(recall)
        .arg(stats.recallQueries);
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
        if (!valid || options.maxPixels < 1 || options.maxPixels > MaxPixelsCeiling) {
            err() << Cli::tr("--max-pixels needs a number from 1 to %1 (one gigapixel: about "
                             "4 GB of memory for each image being decoded).")
                         .arg(MaxPixelsCeiling) << "\n";
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

int runLabelsHistory(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Cli::tr("List the label changes: who changed how many assignments, how and when."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), Cli::tr("Project folder."));
    parser.addOption({QStringLiteral("limit"), Cli::tr("Show the last N changes (default 20)."),
                      QStringLiteral("N"), QStringLiteral("20")});
    int code = ExitOk;
    if (!parse(parser, arguments, 1, &code)) {
        return code;
    }

    QString error;
    const auto project = openForReading(parser.positionalArguments()[0], &error);
    if (!project) {
        return fail(error);
    }
    const QVector<LabelChange> changes = project->labelChanges();
    const qsizetype limit = std::max(1, parser.value(QStringLiteral("limit")).toInt());
    for (const LabelChange &change : changes.mid(std::max<qsizetype>(0, changes.size() - limit))) {
        out() << QStringLiteral("%1  %2  %3 %4 assignments (%5%6)")
                     .arg(change.id, 6)
                     .arg(change.createdAt.toString(Qt::ISODate), change.action)
                     .arg(change.assignments)
                     .arg(change.source,
                          change.annotator.isEmpty() ? QString() : QStringLiteral(", ")
                                                                       + change.annotator)
              << "\n";
    }
    if (changes.isEmpty()) {
        out() << Cli::tr("No label changes yet.") << "\n";
    }
    return ExitOk;
}

int runLabelsUndo(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Cli::tr("Undo a label change (the last one unless --change is given), as a new change: "
                "what it added is removed, what it removed comes back."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), Cli::tr("Project folder."));
    parser.addOption({QStringLiteral("change"), Cli::tr("The change to undo (see labels history)."),
                      QStringLiteral("ID")});
    int code = ExitOk;
    if (!parse(parser, arguments, 1, &code)) {
        return code;
    }

    QString error;
    const auto project = openProject(parser.positionalArguments()[0], &error);
    if (!project) {
        return fail(error);
    }
    qint64 change = parser.value(QStringLiteral("change")).toLongLong();
    if (!parser.isSet(QStringLiteral("change"))) {
        const QVector<LabelChange> changes = project->labelChanges();
        if (changes.isEmpty()) {
            return fail(Cli::tr("There are no label changes to undo."));
        }
        change = changes.last().id;
    }
    const Result<qint64> revert = project->revertLabelChange(change, qEnvironmentVariable("USER"));
    if (!revert) {
        return fail(revert.error());
    }
    if (*revert == 0) {
        out() << Cli::tr("Change %1 had nothing left to undo.").arg(change) << Qt::endl;
    } else {
        out() << Cli::tr("Undid change %1 as change %2 (%3 assignments).")
                     .arg(change).arg(*revert).arg(project->labelChanges().last().assignments)
              << Qt::endl;
    }
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
        Cli::tr("List the nearest neighbours of an image, of the mean of several images, or of "
                "a picture file outside the project, under the current model version. "
                "Neighbours marked * already appear in a judgment with a query image."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), Cli::tr("Project folder."));
    parser.addPositionalArgument(QStringLiteral("IMAGE"), Cli::tr("Image ids or paths."),
                                 QStringLiteral("IMAGE..."));
    parser.addOptions({
        {{QStringLiteral("k"), QStringLiteral("neighbours")}, Cli::tr("Neighbours (default 10)."),
         QStringLiteral("K"), QStringLiteral("10")},
        {QStringLiteral("file"), Cli::tr("Search with a picture file that is not in the project."),
         QStringLiteral("PATH")},
        {QStringLiteral("json"), Cli::tr("Print JSON.")},
    });
    int code = ExitOk;
    const bool byFile = std::any_of(arguments.cbegin(), arguments.cend(), [](const QString &a) {
        return a.startsWith(QStringLiteral("--file"));
    });
    if (!parse(parser, arguments, byFile ? 1 : 2, &code)) {
        return code;
    }
    if (parser.isSet(QStringLiteral("file")) && parser.positionalArguments().size() > 1) {
        err() << Cli::tr("Give either images of the project or --file, not both.") << "\n";
        return ExitUsage;
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
    QVector<qint64> selection;
    if (!resolveImages(*project, parser.positionalArguments().mid(1), &selection, &error)) {
        return fail(error);
    }
    const auto data = loadCurrent(*project, &error);
    if (!data) {
        return fail(error);
    }

    QVector<NeighbourInfo> neighbours;
    if (parser.isSet(QStringLiteral("file"))) {
        const auto found = neighboursOfFile(*project, *data, parser.value(QStringLiteral("file")),
                                            k);
        if (!found) {
            return fail(found.error());
        }
        neighbours = describeNeighbours(*project, *found, {});
    } else {
        const auto found = nearestNeighbours(*project, *data, selection, k);
        if (!found) {
            return fail(found.error());
        }
        neighbours = *found;
    }

    const QJsonArray list = neighboursJson(*project, neighbours);
    if (parser.isSet(QStringLiteral("json"))) {
        printJson(list);
        return ExitOk;
    }
    if (parser.isSet(QStringLiteral("file"))) {
        out() << Cli::tr("Neighbours of the file %1 under model version %2:")
                     .arg(parser.value(QStringLiteral("file"))).arg(data->version)
              << "\n";
    } else if (selection.size() == 1) {
        const auto image = project->image(selection.first());
        out() << Cli::tr("Neighbours of %1 [%2] under model version %3:")
                     .arg(image->path, project->labelsOfImage(image->id).join(QStringLiteral(", ")))
                     .arg(data->version)
              << "\n";
    } else {
        out() << Cli::tr("Neighbours of the mean of %1 images under model version %2:")
                     .arg(selection.size()).arg(data->version)
              << "\n";
    }
    printNeighbourLines(list);
    out() << "  " << indexSummary(data->index.stats()) << "\n";
    out().flush();
    return ExitOk;
}

int runSort(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Cli::tr("List the project's images ordered by similarity to an image or to the mean of "
                "several images, one page at a time."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), Cli::tr("Project folder."));
    parser.addPositionalArgument(QStringLiteral("IMAGE"), Cli::tr("Image ids or paths."),
                                 QStringLiteral("IMAGE..."));
    parser.addOptions({
        {QStringLiteral("offset"), Cli::tr("Images to skip (default 0)."), QStringLiteral("N"),
         QStringLiteral("0")},
        {QStringLiteral("limit"), Cli::tr("Images in the page (default 50)."),
         QStringLiteral("N"), QStringLiteral("50")},
        {QStringLiteral("json"), Cli::tr("Print JSON.")},
    });
    int code = ExitOk;
    if (!parse(parser, arguments, 2, &code)) {
        return code;
    }
    bool offsetOk = false;
    bool limitOk = false;
    const qint64 offset = parser.value(QStringLiteral("offset")).toLongLong(&offsetOk);
    const qint64 limit = parser.value(QStringLiteral("limit")).toLongLong(&limitOk);
    if (!offsetOk || !limitOk || offset < 0 || limit < 1) {
        err() << Cli::tr("--offset takes a whole number of at least 0, --limit one of at "
                         "least 1.") << "\n";
        return ExitUsage;
    }

    QString error;
    const auto project = openForReading(parser.positionalArguments()[0], &error);
    if (!project) {
        return fail(error);
    }
    QVector<qint64> selection;
    if (!resolveImages(*project, parser.positionalArguments().mid(1), &selection, &error)) {
        return fail(error);
    }
    const auto data = loadCurrent(*project, &error);
    if (!data) {
        return fail(error);
    }
    if (offset >= data->index.size()) {
        return fail(Cli::tr("--offset %1 is past the end: version %2 has %3 images.")
                        .arg(offset).arg(data->version).arg(data->index.size()));
    }
    const auto page = sortBySimilarity(*data, selection, offset, limit);
    if (!page) {
        return fail(page.error());
    }

    const QJsonArray list = neighboursJson(*project, describeNeighbours(*project, *page,
                                                                        selection));
    if (parser.isSet(QStringLiteral("json"))) {
        printJson(list);
        return ExitOk;
    }
    out() << Cli::tr("Images %1 to %2 of %3 by similarity under model version %4:")
                 .arg(offset + 1).arg(offset + page->size()).arg(data->index.size())
                 .arg(data->version)
          << "\n";
    printNeighbourLines(list);
    out().flush();
    return ExitOk;
}

QJsonArray idsJson(const Project &project, const QVector<qint64> &ids)
{
    QJsonArray list;
    for (qint64 id : ids) {
        const auto record = project.image(id);
        list.append(QJsonObject{{QStringLiteral("id"), id},
                                {QStringLiteral("path"), record ? record->path : QString()}});
    }
    return list;
}

// "--versions A B" is turned into "--versions=A,B" before parsing, since an option of
// QCommandLineParser takes one value.
QStringList joinVersionsArgument(QStringList arguments)
{
    const qsizetype at = arguments.indexOf(QStringLiteral("--versions"));
    if (at >= 0 && at + 2 < arguments.size() && !arguments[at + 1].startsWith(u'-')
        && !arguments[at + 2].startsWith(u'-')) {
        const QString joined = arguments[at + 1] + u',' + arguments[at + 2];
        arguments.remove(at, 3);
        arguments.insert(at, QStringLiteral("--versions=") + joined);
    }
    return arguments;
}

int runCompare(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Cli::tr("Compare the neighbourhoods of two model versions: for one image, which "
                "neighbours entered and which left; without an image, how much the "
                "neighbourhoods changed over a sample of the collection (1 - mean Jaccard "
                "similarity of the top-k sets)."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), Cli::tr("Project folder."));
    parser.addPositionalArgument(QStringLiteral("IMAGE"), Cli::tr("An image id or path."),
                                 QStringLiteral("[IMAGE]"));
    parser.addOptions({
        {QStringLiteral("versions"), Cli::tr("The two model versions, e.g. --versions 0 2."),
         QStringLiteral("A B")},
        {{QStringLiteral("k"), QStringLiteral("neighbours")}, Cli::tr("Neighbours (default 10)."),
         QStringLiteral("K"), QStringLiteral("10")},
        {QStringLiteral("sample"), Cli::tr("Images sampled for the score (default 1000)."),
         QStringLiteral("N"), QStringLiteral("1000")},
        {QStringLiteral("json"), Cli::tr("Print JSON.")},
    });
    int code = ExitOk;
    if (!parse(parser, joinVersionsArgument(arguments), 1, &code)) {
        return code;
    }
    const QStringList versionTexts = parser.value(QStringLiteral("versions")).split(u',');
    bool firstOk = false;
    bool secondOk = false;
    bool kOk = false;
    bool sampleOk = false;
    const int first = versionTexts.value(0).toInt(&firstOk);
    const int second = versionTexts.value(1).toInt(&secondOk);
    const int k = parser.value(QStringLiteral("k")).toInt(&kOk);
    const int sample = parser.value(QStringLiteral("sample")).toInt(&sampleOk);
    if (versionTexts.size() != 2 || !firstOk || !secondOk) {
        err() << Cli::tr("--versions takes two model version numbers, e.g. --versions 0 2.")
              << "\n";
        return ExitUsage;
    }
    if (!kOk || k < 1 || !sampleOk || sample < 1) {
        err() << Cli::tr("-k and --sample take whole numbers of at least 1.") << "\n";
        return ExitUsage;
    }

    QString error;
    const auto project = openForReading(parser.positionalArguments()[0], &error);
    if (!project) {
        return fail(error);
    }
    std::shared_ptr<const VersionData> data[2];
    for (int i = 0; i < 2; ++i) {
        const int version = i == 0 ? first : second;
        const auto record = project->modelVersion(version);
        if (!record || record->status != QStringLiteral("ready")) {
            return fail(Cli::tr("There is no ready model version %1; 'likeness-cli info' lists "
                                "them.").arg(version));
        }
        JobControl control = progressPrinter();
        const auto loaded = loadVersionData(*project, version, control);
        if (!loaded) {
            return fail(loaded.error());
        }
        data[i] = *loaded;
    }
    const qint64 images = std::min(data[0]->index.size(), data[1]->index.size());
    if (k >= images) {
        return fail(Cli::tr("-k %1 leaves nothing to compare: the versions hold %2 images, so "
                            "every neighbourhood would be all of them. Choose a smaller -k.")
                        .arg(k).arg(images));
    }

    const bool json = parser.isSet(QStringLiteral("json"));
    if (parser.positionalArguments().size() > 1) {
        QVector<qint64> image;
        if (!resolveImages(*project, parser.positionalArguments().mid(1, 1), &image, &error)) {
            return fail(error);
        }
        const auto comparison = compareNeighbourhoods(*data[0], *data[1], image.first(), k);
        if (!comparison) {
            return fail(comparison.error());
        }
        if (json) {
            printJson(QJsonObject{
                {QStringLiteral("image"), image.first()},
                {QStringLiteral("versions"), QJsonArray{first, second}},
                {QStringLiteral("k"), k},
                {QStringLiteral("jaccard"), comparison->jaccard},
                {QStringLiteral("before"),
                 neighboursJson(*project, describeNeighbours(*project, comparison->before,
                                                             image))},
                {QStringLiteral("after"),
                 neighboursJson(*project, describeNeighbours(*project, comparison->after,
                                                             image))},
                {QStringLiteral("entered"), idsJson(*project, comparison->entered)},
                {QStringLiteral("left"), idsJson(*project, comparison->left)}});
            return ExitOk;
        }
        out() << Cli::tr("Neighbours of image %1 under versions %2 and %3 (k = %4): Jaccard "
                         "similarity %5")
                     .arg(image.first()).arg(first).arg(second).arg(k)
                     .arg(comparison->jaccard, 0, 'f', 3)
              << "\n";
        for (qint64 id : comparison->entered) {
            out() << "  + " << id << "  " << project->image(id)->path << "\n";
        }
        for (qint64 id : comparison->left) {
            out() << "  - " << id << "  " << project->image(id)->path << "\n";
        }
        out().flush();
        return ExitOk;
    }

    const auto change = neighbourhoodChange(*data[0], *data[1], k, sample);
    if (!change) {
        return fail(change.error());
    }
    if (json) {
        printJson(QJsonObject{{QStringLiteral("versions"), QJsonArray{first, second}},
                              {QStringLiteral("k"), k},
                              {QStringLiteral("images"), change->images},
                              {QStringLiteral("mean_jaccard"), change->meanJaccard},
                              {QStringLiteral("change"), change->change}});
        return ExitOk;
    }
    out() << Cli::tr("Neighbourhood change from version %1 to %2 over %3 images (k = %4): %5 "
                     "(mean Jaccard similarity %6)")
                 .arg(first).arg(second).arg(change->images).arg(k)
                 .arg(change->change, 0, 'f', 3).arg(change->meanJaccard, 0, 'f', 3)
          << Qt::endl;
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
    recordVersionMetrics(*project, data->version, metrics);
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
        const auto index = savedIndexStats(project, record.version);
        versions.append(QJsonObject{{QStringLiteral("version"), record.version},
                                    {QStringLiteral("backbone"), record.backbone},
                                    {QStringLiteral("status"), record.status},
                                    {QStringLiteral("metrics"), record.metrics},
                                    {QStringLiteral("index"),
                                     index ? QJsonValue(index->toJson()) : QJsonValue()}});
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
        if (const auto index = savedIndexStats(*project, record.version)) {
            out() << "    " << indexSummary(*index) << "\n";
        }
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
    if (!ok || limit < 10 || !settings) {
        err() << Cli::tr("--limit takes a whole number of at least 10; --epochs one of at least "
                         "1, --batch-size "
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
        {QStringLiteral("labels history"), QStringLiteral("labels history PROJECT [--limit N]"),
         runLabelsHistory},
        {QStringLiteral("labels undo"), QStringLiteral("labels undo PROJECT [--change ID]"),
         runLabelsUndo},
        {QStringLiteral("train"),
         QStringLiteral("train PROJECT [--epochs N] [--batch-size N] [--device auto|cpu|cuda] "
                        "[--threads N] [--live-even-if-worse]"),
         runTrain},
        {QStringLiteral("knn"),
         QStringLiteral("knn PROJECT IMAGE... [-k K] [--file PATH] [--json]"), runKnn},
        {QStringLiteral("sort"),
         QStringLiteral("sort PROJECT IMAGE... [--offset N] [--limit N] [--json]"), runSort},
        {QStringLiteral("compare"),
         QStringLiteral("compare PROJECT --versions A B [IMAGE] [-k K] [--sample N] [--json]"),
         runCompare},
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
