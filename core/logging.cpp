#include "logging.h"

Q_LOGGING_CATEGORY(lcStore, "likeness.store", QtWarningMsg)
Q_LOGGING_CATEGORY(lcImport, "likeness.import", QtWarningMsg)
Q_LOGGING_CATEGORY(lcTrain, "likeness.train", QtWarningMsg)
Q_LOGGING_CATEGORY(lcIndex, "likeness.index", QtWarningMsg)
Q_LOGGING_CATEGORY(lcSampling, "likeness.sampling", QtWarningMsg)
Q_LOGGING_CATEGORY(lcMap, "likeness.map", QtWarningMsg)
