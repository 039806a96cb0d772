#include "guilogging.h"
#include "mainwindow.h"
#include "store/project.h"
#include "version.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QIcon>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTranslator>

namespace {

// The context of the command line's strings.
struct CommandLine
{
    Q_DECLARE_TR_FUNCTIONS(CommandLine)
};

// Qt's own strings (standard dialogs, buttons) and ours, for the system's UI languages
// (LANGUAGE, LC_ALL, LC_MESSAGES and LANG on Unix).
void installTranslators(QApplication &app)
{
    const QLocale locale = QLocale::system();
    auto *qtTranslator = new QTranslator(&app);
    if (qtTranslator->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                           QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(qtTranslator);
    }

    auto *appTranslator = new QTranslator(&app);
    if (appTranslator->load(locale, QStringLiteral("likeness"), QStringLiteral("_"),
                            QStringLiteral(":/i18n"))) {
        QCoreApplication::installTranslator(appTranslator);
    } else {
        qCDebug(lcGui) << "No translation for" << locale.uiLanguages();
    }
}

QString defaultAnnotator()
{
    const QString saved = QSettings().value(QStringLiteral("annotator")).toString();
    if (!saved.isEmpty()) {
        return saved;
    }
    for (const char *variable : {"USER", "USERNAME", "LOGNAME"}) {
        const QString name = qEnvironmentVariable(variable).trimmed();
        if (!name.isEmpty()) {
            return name;
        }
    }
    return QStringLiteral("annotator");
}

struct Options
{
    QString project;
    QString annotator;
    QString screenshot;
    likeness::MainWindow::Tab tab = likeness::MainWindow::Tab::Neighbours;
};

// Parses the command line, exiting with usage help when it is not understood.
Options parseCommandLine(const QApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(CommandLine::tr(
        "Curate image collections with triplet judgments, labels and neighbours."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("project"),
                                 CommandLine::tr("Project folder to open."),
                                 QStringLiteral("[project]"));
    const QCommandLineOption annotator(
        QStringLiteral("annotator"),
        CommandLine::tr("Name stored with your judgments and labels (default: your user name)."),
        CommandLine::tr("name"));
    const QCommandLineOption tab(
        QStringLiteral("tab"),
        CommandLine::tr("Tab to show first: neighbours, rate, labels or map."),
        CommandLine::tr("tab"), QStringLiteral("neighbours"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        CommandLine::tr("Save a picture of the window to <file> once it is ready, then quit."),
        CommandLine::tr("file"));
    parser.addOptions({annotator, tab, screenshot});
    parser.process(app);

    const QStringList tabs = {QStringLiteral("neighbours"), QStringLiteral("rate"),
                              QStringLiteral("labels"), QStringLiteral("map")};
    if (parser.positionalArguments().size() > 1 || !tabs.contains(parser.value(tab))) {
        parser.showHelp(1);
    }

    Options options;
    if (!parser.positionalArguments().isEmpty()) {
        options.project = QDir(parser.positionalArguments().constFirst()).absolutePath();
    }
    options.annotator = parser.isSet(annotator) ? parser.value(annotator).trimmed()
                                                : defaultAnnotator();
    options.screenshot = parser.value(screenshot);
    options.tab = likeness::MainWindow::Tab(tabs.indexOf(parser.value(tab)));
    return options;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Likeness"));
    QCoreApplication::setApplicationName(QStringLiteral("likeness"));
    QCoreApplication::setApplicationVersion(likeness::applicationVersion());
    QGuiApplication::setDesktopFileName(QStringLiteral("likeness"));
    QGuiApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/likeness.svg")));
    installTranslators(app);
    QGuiApplication::setApplicationDisplayName(CommandLine::tr("Likeness"));
    const Options options = parseCommandLine(app);

    // A screenshot run has nobody to click away an error dialog: say it and stop instead.
    if (!options.screenshot.isEmpty() && !options.project.isEmpty()
        && !likeness::Project::isProject(options.project)) {
        qCCritical(lcGui).noquote() << CommandLine::tr("%1 is not a Likeness project folder.")
                                           .arg(options.project);
        return 1;
    }

    likeness::MainWindow window(options.annotator);
    window.showTab(options.tab);
    window.show();

    // A folder on the command line wins; otherwise reopen the last project if it still exists.
    if (!options.project.isEmpty()) {
        window.openProject(options.project);
    } else {
        const QStringList recent
            = QSettings().value(QStringLiteral("projects/recent")).toStringList();
        if (!recent.isEmpty() && likeness::Project::isProject(recent.constFirst())) {
            window.openProject(recent.constFirst());
        }
    }

    if (!options.screenshot.isEmpty()) {
        window.saveScreenshotWhenIdle(options.screenshot);
    }
    return QApplication::exec();
}
