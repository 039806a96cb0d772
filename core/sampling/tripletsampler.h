#pragma once

#include "ml/modelversion.h"

#include <QHash>
#include <QRandomGenerator>
#include <QSet>
#include <QVector>

#include <memory>
#include <optional>

namespace likeness {

class Project;

struct TripletProposal
{
    qint64 anchorId = 0;
    qint64 firstId = 0;
    qint64 secondId = 0;
    QString sampler; // "random", "labels" or "neighbours"
};

// Proposes triplets to rate: a mix of random triplets, label-based ones (one candidate
// shares a label with the anchor, the other shares none) and neighbour-based ones (one
// candidate is a near neighbour under the current version). Three distinct images always.
class TripletSampler
{
public:
    // Reads the ok images and their labels once; data may be null (no neighbour proposals).
    TripletSampler(const Project &project, std::shared_ptr<const VersionData> data,
                   quint64 seed = 7);

    std::optional<TripletProposal> next();
    qint64 imageCount() const { return m_imageIds.size(); }

    // Anchors come only from these images (those of them that are ok) while any is left;
    // candidates still come from every image. Empty: anchors from every image.
    void setAnchorPool(const QVector<qint64> &imageIds);

private:
    std::optional<TripletProposal> randomTriplet();
    std::optional<TripletProposal> labelTriplet();
    std::optional<TripletProposal> neighbourTriplet();
    qint64 randomImage();
    qint64 randomAnchor();

    QVector<qint64> m_imageIds;
    QVector<qint64> m_anchorPool; // ok images only; empty: every image
    QHash<qint64, QSet<qint64>> m_labelsOf;
    QHash<qint64, QVector<qint64>> m_imagesOfLabel;
    std::shared_ptr<const VersionData> m_data;
    QRandomGenerator m_random;
    int m_turn = 0;
};

} // namespace likeness
