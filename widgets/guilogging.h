#pragma once

#include <QLoggingCategory>

// The category of the widgets and the application window. Warnings are on by default; enable
// the rest with QT_LOGGING_RULES="likeness.gui.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcGui)
