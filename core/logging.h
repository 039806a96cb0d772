#pragma once

#include <QLoggingCategory>

// One logging category per area of the engine. Warnings are on by default; enable the rest
// with QT_LOGGING_RULES="likeness.*.debug=true" or the CLI's --verbose.
Q_DECLARE_LOGGING_CATEGORY(lcStore)
Q_DECLARE_LOGGING_CATEGORY(lcImport)
Q_DECLARE_LOGGING_CATEGORY(lcTrain)
Q_DECLARE_LOGGING_CATEGORY(lcIndex)
Q_DECLARE_LOGGING_CATEGORY(lcSampling)
Q_DECLARE_LOGGING_CATEGORY(lcMap)
