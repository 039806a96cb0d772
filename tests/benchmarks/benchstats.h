#pragma once

#include <algorithm>
#include <cstddef>

namespace likeness::bench {

// The q-quantile (q in [0, 1]) of timing samples, by rank: the value below which a fraction q
// of the samples lie. Takes any container of doubles by value (it sorts its copy); 0 when
// there are no samples.
template<typename Samples>
double quantile(Samples samples, double q)
{
    if (samples.empty()) {
        return 0;
    }
    std::sort(samples.begin(), samples.end());
    const std::size_t size = std::size_t(samples.size());
    return samples[std::min(size - 1, std::size_t(q * double(size)))];
}

template<typename Samples>
double median(Samples samples)
{
    return quantile(std::move(samples), 0.5);
}

} // namespace likeness::bench
