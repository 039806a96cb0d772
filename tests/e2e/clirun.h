#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>

// Runs the real likeness-cli binary, as a user or a script would, and collects what it said.
struct CliRun
{
    int exitCode = -1; // -1 when the program crashed or was killed
    QString out;
    QString err;
};

inline CliRun runCli(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral(LIKENESS_CLI), arguments);
    process.waitForFinished(15 * 60 * 1000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}
