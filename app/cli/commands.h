#pragma once

#include <QCoreApplication>
#include <QStringList>
#include <QTextStream>

namespace likeness::cli {

// Exit codes of likeness-cli.
inline constexpr int ExitOk = 0;
inline constexpr int ExitFailure = 1;
inline constexpr int ExitUsage = 2;

// One sub-command: its name, a one-line summary for the help text, and its entry point,
// which receives the program name followed by the arguments after the sub-command.
struct Command
{
    QString name;
    QString synopsis;
    int (*run)(const QStringList &arguments);
};

const QVector<Command> &commands();

// Makes Ctrl+C and SIGTERM cancel the running job cleanly (a second one ends the program).
void installInterruptHandlers();

class Cli
{
    Q_DECLARE_TR_FUNCTIONS(Cli)
};

} // namespace likeness::cli
