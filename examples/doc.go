// Package examples holds Strata's runnable programs, each in its own
// folder: quickstart (the main job on a sample book), simulate (a month of
// leads under three routing setups), review (the quarterly review of the
// assignment rules, written as an HTML report) and the HTTP service for
// CRMs not written in Go. Each imports only Strata's public packages and
// reads its configuration from files beside it, so a copy of the folder
// builds on its own; this package's test proves it by building copies
// outside the module.
package examples
