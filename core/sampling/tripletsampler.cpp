#include "tripletsampler.h"

#include "logging.h"
#include "store/project.h"

#include <algorithm>

namespace likeness {

namespace {

constexpr int NeighbourPool = 10;

} // namespace

TripletSampler::TripletSampler(const Project &project, std::shared_ptr<const VersionData> data,
                               quint64 seed)
    : m_imageIds(project.imageIds(ImageStatus::Ok)), m_data(std::move(data)), m_random(seed)
{
    const QSet<qint64> ok(m_imageIds.cbegin(), m_imageIds.cend());
    for (const auto &[imageId, labelId] : project.labelAssignments()) {
        if (ok.contains(imageId)) {
            m_labelsOf[imageId].insert(labelId);
            m_imagesOfLabel[labelId].append(imageId);
        }
    }
}

qint64 TripletSampler::randomImage()
{
    return m_imageIds[qsizetype(m_random.bounded(quint64(m_imageIds.size())))];
}

qint64 TripletSampler::randomAnchor()
{
    if (m_anchorPool.isEmpty()) {
        return randomImage();
    }
    return m_anchorPool[qsizetype(m_random.bounded(quint64(m_anchorPool.size())))];
}

void TripletSampler::setAnchorPool(const QVector<qint64> &imageIds)
{
    m_anchorPool.clear();
    for (qint64 id : imageIds) {
        if (std::binary_search(m_imageIds.cbegin(), m_imageIds.cend(), id)) {
            m_anchorPool.append(id);
        }
    }
}

std::optional<TripletProposal> TripletSampler::next()
{
    if (m_imageIds.size() < 3) {
        return std::nullopt;
    }

    // Rotate through the strategies; one that cannot propose falls back to random.
    const int turn = m_turn++ % 3;
    std::optional<TripletProposal> proposal;
    if (turn == 1) {
        proposal = labelTriplet();
    } else if (turn == 2) {
        proposal = neighbourTriplet();
    }
    if (!proposal) {
        proposal = randomTriplet();
    }

    // Candidates swap sides at random so that "first" carries no bias.
    if (proposal && m_random.bounded(2) == 1) {
        std::swap(proposal->firstId, proposal->secondId);
    }
    return proposal;
}

std::optional<TripletProposal> TripletSampler::randomTriplet()
{
    for (int attempt = 0; attempt < 32; ++attempt) {
        const qint64 anchor = randomAnchor();
        const qint64 first = randomImage();
        const qint64 second = randomImage();
        if (anchor != first && anchor != second && first != second) {
            return TripletProposal{anchor, first, second, QStringLiteral("random")};
        }
    }
    return std::nullopt;
}

std::optional<TripletProposal> TripletSampler::labelTriplet()
{
    for (int attempt = 0; attempt < 32; ++attempt) {
        const qint64 anchor = randomAnchor();
        const QSet<qint64> labels = m_labelsOf.value(anchor);
        if (labels.isEmpty()) {
            continue;
        }

        const QVector<qint64> &sharing = m_imagesOfLabel.value(
            *std::next(labels.cbegin(), qsizetype(m_random.bounded(quint64(labels.size())))));
        const qint64 similar = sharing[qsizetype(m_random.bounded(quint64(sharing.size())))];
        const qint64 other = randomImage();
        if (similar == anchor || other == anchor || other == similar
            || m_labelsOf.value(other).intersects(labels)) {
            continue;
        }
        return TripletProposal{anchor, similar, other, QStringLiteral("labels")};
    }
    return std::nullopt;
}

std::optional<TripletProposal> TripletSampler::neighbourTriplet()
{
    if (!m_data) {
        return std::nullopt;
    }
    for (int attempt = 0; attempt < 8; ++attempt) {
        const qint64 anchor = randomAnchor();
        const auto neighbours = neighboursOfImage(*m_data, anchor, NeighbourPool);
        if (!neighbours || neighbours->size() < 2) {
            continue;
        }

        // Two of the anchor's near neighbours: the model's finest distinctions.
        const qsizetype a = qsizetype(m_random.bounded(quint64(neighbours->size())));
        const qsizetype b = qsizetype(m_random.bounded(quint64(neighbours->size())));
        if (a == b) {
            continue;
        }
        return TripletProposal{anchor, neighbours->at(a).id, neighbours->at(b).id,
                               QStringLiteral("neighbours")};
    }
    return std::nullopt;
}

} // namespace likeness
