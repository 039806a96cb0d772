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

// A bulk load of label assignments runs `suspend`, inserts its rows in key order, adds its
// per-label counts to label_counts itself and runs `resume`, all in one transaction: the
// by-label index is then built once, sorted, instead of row by row at random places, and no
// count trigger fires per row. Readers never see the suspended state (it is never committed).
struct BulkLabelStatements
{
    QStringList suspend;
    QStringList resume;
};
const BulkLabelStatements &bulkLabelStatements();

} // namespace likeness
