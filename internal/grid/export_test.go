package grid

// CoverageSQL is the coverage query, for the test that reads its plan.
const CoverageSQL = coverageSQL
