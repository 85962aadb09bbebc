package match

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"strings"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
)

// Decision is the routing decision for a lead that went through matching,
// with the match it rests on.
type Decision struct {
	routing.Decision
	// Match is the matching result: the outcome, the candidates and the
	// evidence for each.
	Match Result `json:"match"`
}

// Why explains the routing decision and then the match, evidence by
// evidence.
func (d Decision) Why() string {
	return d.Decision.Why() + "\n" + d.Match.Why()
}

// The keys Route sets in lead.attrs, for routing rules to read.
const (
	// AttrMatch is "customer" when the lead matched a customer, "possible"
	// when it may have, "none" when it did not.
	AttrMatch = "match"
	// AttrCandidates lists the possible customers' IDs (a list of strings).
	AttrCandidates = "match_candidates"
)

// Route matches a lead against candidate customers, then routes it with r.
// req.Customer is the lead as the host knows it (its name, country,
// channels); candidates are the records the host fetched by its Keys.
//
//   - A match: the lead is routed as the matched customer (req.Customer
//     becomes that record, with its ID, owner, tier and segments), so a
//     pool with Sticky owners gives it to the customer's owner while that
//     owner is eligible. The item stays the lead's (req.Item, else
//     req.Lead.ID).
//   - A possible match, with Config.OnPossible "defer": nothing is routed;
//     the decision is Deferred until req.Now + Config.ReviewDelay, its
//     reason naming the candidates, for a person to confirm.
//   - A possible match, with "route": the lead is routed as new, with
//     lead.attrs.match "possible" and lead.attrs.match_candidates set, so a
//     routing rule can send it to a review pool.
//   - No match: the lead is routed as new, with lead.attrs.match "none".
//
// lead.attrs.match is "customer" after a match. Route copies what it
// changes; the caller's request and records are not modified. The match
// evidence is in Decision.Match and Decision.Why.
func (m *Matcher) Route(ctx context.Context, r *routing.Router, req routing.Request, candidates []strata.Customer) (Decision, error) {
	if m == nil || r == nil {
		return Decision{}, errors.New("match: Route needs a Matcher and a Router")
	}
	res, err := m.Match(&req.Customer, candidates)
	if err != nil {
		return Decision{}, err
	}
	if req.Item == "" {
		req.Item = cmp.Or(req.Lead.ID, req.Customer.ID)
	}
	attrs := maps.Clone(req.Lead.Attrs)
	if attrs == nil {
		attrs = map[string]any{}
	}
	switch res.Outcome {
	case Matched:
		attrs[AttrMatch] = "customer"
		for i := range candidates {
			if candidates[i].ID == res.Customer {
				req.Customer = candidates[i]
				break
			}
		}
	case Possible:
		attrs[AttrMatch] = "possible"
		ids := make([]any, 0, len(res.Candidates))
		var names []string
		for _, c := range res.Possible(m.eff.Review) {
			ids = append(ids, c.ID)
			names = append(names, c.ID)
		}
		attrs[AttrCandidates] = ids
		if m.eff.OnPossible == DeferPossible {
			return Decision{Match: res, Decision: routing.Decision{
				Outcome: routing.Deferred, Item: req.Item, At: req.Now,
				RetryAt: req.Now.Add(m.eff.ReviewDelay.Std()),
				Reason:  "possible match with " + strings.Join(names, ", ") + ": a person confirms before routing",
			}}, nil
		}
	default:
		attrs[AttrMatch] = "none"
	}
	req.Lead.Attrs = attrs
	d, err := r.Route(ctx, req)
	return Decision{Decision: d, Match: res}, err
}
