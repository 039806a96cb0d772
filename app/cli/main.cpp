#include "commands.h"

#include "version.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QTextStream>

using namespace likeness::cli;

namespace {

void printUsage(QTextStream &out)
{
    out << Cli::tr("Usage: likeness-cli COMMAND [options]") << "\n\n"
        << Cli::tr("Commands:") << "\n";
    for (const Command &command : commands()) {
        out << "  " << command.synopsis << "\n";
    }
    out << "\n" << Cli::tr("Run 'likeness-cli COMMAND --help' for the options of a command.")
        << "\n" << Cli::tr("Global options: --version, --verbose (log every area).") << "\n";
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("likeness-cli"));
    QCoreApplication::setOrganizationName(QStringLiteral("Likeness"));
    QCoreApplication::setApplicationVersion(likeness::applicationVersion());

    installInterruptHandlers();
    QStringList arguments = app.arguments();
    if (arguments.removeAll(QStringLiteral("--verbose")) > 0) {
        QLoggingCategory::setFilterRules(QStringLiteral("likeness.*=true"));
    }
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (arguments.size() < 2 || arguments[1] == QStringLiteral("--help")
        || arguments[1] == QStringLiteral("-h") || arguments[1] == QStringLiteral("help")) {
        printUsage(arguments.size() < 2 ? err : out);
        return arguments.size() < 2 ? ExitUsage : ExitOk;
    }
    if (arguments[1] == QStringLiteral("--version")) {
        out << "likeness-cli " << likeness::applicationVersion() << " ("
            << likeness::libraryVersions() << ")\n";
        return ExitOk;
    }

    // "labels import" and "labels export" are two words; every other command is one.
    QString name = arguments[1];
    qsizetype rest = 2;
    if (name == QStringLiteral("labels") && arguments.size() > 2
        && !arguments[2].startsWith(u'-')) {
        name += u' ' + arguments[2];
        rest = 3;
    }
    for (const Command &command : commands()) {
        if (command.name == name) {
            return command.run(QStringList{arguments[0]} + arguments.mid(rest));
        }
    }
    if (name == QStringLiteral("labels")) {
        const bool help = arguments.size() > 2
            && (arguments[2] == QStringLiteral("--help") || arguments[2] == QStringLiteral("-h"));
        QTextStream &stream = help ? out : err;
        stream << Cli::tr("'labels' needs a sub-command:") << "\n";
        for (const Command &command : commands()) {
            if (command.name.startsWith(QStringLiteral("labels "))) {
                stream << "  likeness-cli " << command.synopsis << "\n";
            }
        }
        return help ? ExitOk : ExitUsage;
    }

    err << Cli::tr("Unknown command '%1'.").arg(name) << "\n\n";
    printUsage(err);
    return ExitUsage;
}
