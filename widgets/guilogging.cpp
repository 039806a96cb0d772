#include "guilogging.h"

Q_LOGGING_CATEGORY(lcGui, "likeness.gui", QtWarningMsg)
