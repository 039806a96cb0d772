#include "guilogging.h"
#include "mainwindow.h"
#include "store/project.h"
#include "version.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QIcon>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTranslator>

namespace {

QString translate(const char *text)
{
    return QCoreApplication::translate("main", text);
}

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
    QGuiApplication::setApplicationDisplayName(translate("Likeness"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        translate("Curate image collections with triplet judgments, labels and neighbours."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("project"), translate("Project folder to open."),
                                 QStringLiteral("[project]"));
    const QCommandLineOption annotatorOption(
        QStringLiteral("annotator"),
        translate("Name stored with your judgments and labels (default: your user name)."),
        translate("name"));
    const QCommandLineOption tabOption(QStringLiteral("tab"),
                                       translate("Tab to show first: neighbours, rate or labels."),
                                       translate("tab"), QStringLiteral("neighbours"));
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        translate("Save a picture of the window to <file> once it is ready, then quit."),
        translate("file"));
    parser.addOptions({annotatorOption, tabOption, screenshotOption});
    parser.process(app);

    if (parser.positionalArguments().size() > 1) {
        parser.showHelp(1);
    }
    const QString tab = parser.value(tabOption);
    const QStringList tabs = {QStringLiteral("neighbours"), QStringLiteral("rate"),
                              QStringLiteral("labels")};
    if (!tabs.contains(tab)) {
        qCCritical(lcGui).noquote() << translate("Unknown tab: %1").arg(tab);
        return 1;
    }

    const QString annotator = parser.isSet(annotatorOption) ? parser.value(annotatorOption)
                                                            : defaultAnnotator();
    likeness::MainWindow window(annotator.trimmed());
    window.showTab(likeness::MainWindow::Tab(tabs.indexOf(tab)));
    window.show();

    // A folder on the command line wins; otherwise reopen the last project if it still exists.
    if (!parser.positionalArguments().isEmpty()) {
        window.openProject(QDir(parser.positionalArguments().constFirst()).absolutePath());
    } else {
        const QStringList recent
            = QSettings().value(QStringLiteral("projects/recent")).toStringList();
        if (!recent.isEmpty() && likeness::Project::isProject(recent.constFirst())) {
            window.openProject(recent.constFirst());
        }
    }

    if (parser.isSet(screenshotOption)) {
        window.saveScreenshotWhenIdle(parser.value(screenshotOption));
    }
    return QApplication::exec();
}
