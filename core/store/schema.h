#pragma once

#include <QStringList>
#include <QVector>

namespace likeness {

// The history of project.sqlite's schema as a list of steps. Step i takes a database from
// schema i to schema i + 1 (step 0 creates the tables in an empty file). Steps are only ever
// appended: a released step never changes, so every old project upgrades the same way.
struct SchemaStep
{
    int from = 0;
    QStringList statements;
};

const QVector<SchemaStep> &schemaSteps();

// The schema version this build writes: the number of steps.
int latestSchemaVersion();

} // namespace likeness
