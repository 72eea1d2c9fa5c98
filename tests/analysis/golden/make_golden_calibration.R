# Reference values from R's survey package for general calibration (calibrate(calfun = "linear" | "logit",
# bounds = ...)): tests/analysis/test_golden_calibration.py compares the library's weights, estimates and SEs
# with the numbers this script writes to golden_calibration.json (weights(), coef(), SE() at full precision,
# digits = NA). tests/analysis/test_calibration.py checks the same code against independent computations
# (closed-form GREG weights, the logit g-function row by row, the residual variance written out).
#
# Run from the repository root:   Rscript tests/analysis/golden/make_golden_calibration.R
# Needs R with survey (>= 4.1) and jsonlite. Last run: R 4.2, survey 4.1-1 (Debian r-cran-survey).
# grake stops at epsilon = 1e-7 by default; every case here is run with epsilon = 1e-12 so that R's weights
# are converged as far as double precision allows.

suppressMessages({
  library(survey)
  library(jsonlite)
})
options(survey.lonely.psu = "fail")
dir <- "tests/analysis/golden"
num <- function(x) unname(as.numeric(x))
syn <- read.csv(file.path(dir, "synthetic.csv"))
syn$yes <- as.numeric(syn$q == "yes")
N <- 1250000
syn$w0 <- syn$w0 * N / sum(syn$w0)   # the tests' `scaled` fixture: bounds act on g = w / d
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w0, nest = TRUE, data = syn)

m1 <- read.csv(file.path(dir, "synthetic_margins.csv"), colClasses = "character"); m1$total <- as.numeric(m1$total)
mi <- read.csv(file.path(dir, "synthetic_margins_interactions.csv"), colClasses = "character")
mi$total <- as.numeric(mi$total)

# population totals in model.matrix order: intercept, then every category but the first (treatment contrasts)
pop <- function(m, variable) { t <- m$total[m$variable == variable]; t[-1] }
factors <- function(d) {
  d$region <- factor(d$region, levels = m1$category[m1$variable == "region"])
  d$sex <- factor(d$sex, levels = m1$category[m1$variable == "sex"])
  d$agegrp <- factor(d$agegrp, levels = m1$category[m1$variable == "agegrp"])
  d$region_urban <- factor(paste(d$region, d$urban, sep = ":"), levels = mi$category[mi$variable == "region:urban"])
  d$sex_agegrp <- factor(paste(d$sex, d$agegrp, sep = ":"), levels = mi$category[mi$variable == "sex:agegrp"])
  d
}
syn <- factors(syn)
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w0, nest = TRUE, data = syn)
p1 <- c(N, pop(m1, "region"), pop(m1, "sex"), pop(m1, "agegrp"))
pint <- c(N, pop(mi, "region:urban"), pop(mi, "sex:agegrp"))
eps <- 1e-12

cases <- list()
add <- function(id, call, margins, calfun, bounds, cal) {
  s <- svymean(~yes, cal)
  cases[[id]] <<- list(r_call = call, margins = margins, calfun = calfun, bounds = bounds,
                       estimate = num(coef(s)), se = num(SE(s)), weights = num(weights(cal)))
}
add("linear_one_way", "calibrate(des, ~region + sex + agegrp, p1, calfun='linear')", "synthetic_margins.csv",
    "linear", NULL, calibrate(des, ~region + sex + agegrp, p1, calfun = "linear", epsilon = eps))
add("linear_interactions", "calibrate(des, ~region_urban + sex_agegrp, pint, calfun='linear')",
    "synthetic_margins_interactions.csv", "linear", NULL,
    calibrate(des, ~region_urban + sex_agegrp, pint, calfun = "linear", epsilon = eps))
add("logit_interactions", "calibrate(des, ~region_urban + sex_agegrp, pint, calfun='logit', bounds=c(0.4, 2.6))",
    "synthetic_margins_interactions.csv", "logit", c(0.4, 2.6),
    calibrate(des, ~region_urban + sex_agegrp, pint, calfun = "logit", bounds = c(0.4, 2.6), epsilon = eps,
              maxit = 500))
add("truncated_linear_one_way", "calibrate(des, ~region + sex + agegrp, p1, calfun='linear', bounds=c(0.45, 2.6))",
    "synthetic_margins.csv", "linear", c(0.45, 2.6),
    calibrate(des, ~region + sex + agegrp, p1, calfun = "linear", bounds = c(0.45, 2.6), epsilon = eps,
              maxit = 500))

# Replicates calibrated again (JKn on the unscaled weights, as in the test).
raw <- factors(read.csv(file.path(dir, "synthetic.csv")))
raw$yes <- as.numeric(raw$q == "yes")
rdes <- as.svrepdesign(svydesign(ids = ~psu, strata = ~stratum, weights = ~w0, nest = TRUE, data = raw), type = "JKn")
rlin <- calibrate(rdes, ~region_urban + sex_agegrp, pint, calfun = "linear", epsilon = eps)
s <- svymean(~yes, rlin)
cases$jkn_linear_interactions <- list(
  r_call = "calibrate(as.svrepdesign(dsyn, type='JKn'), ~region_urban + sex_agegrp, pint, calfun='linear')",
  margins = "synthetic_margins_interactions.csv", calfun = "linear", bounds = NULL, scaled = FALSE,
  estimate = num(coef(s)), se = num(SE(s)), weights = num(weights(rlin, "sampling")))

# weight diagnostics (analysis.weighting.diagnostics) of the linear interaction weights
w <- cases$linear_interactions$weights; cv <- sqrt(mean((w - mean(w))^2)) / mean(w)
diagnostics <- list(of = "linear_interactions", ratio = max(w) / min(w), cv = cv, deff = 1 + cv^2,
                    n_eff = sum(w)^2 / sum(w^2))

golden <- list(generated_by = "tests/analysis/golden/make_golden_calibration.R", r_version = R.version.string,
               survey_version = as.character(packageVersion("survey")), population = N, epsilon = eps,
               cases = cases, diagnostics = diagnostics)
writeLines(toJSON(golden, auto_unbox = TRUE, digits = NA, null = "null", pretty = TRUE),
           file.path(dir, "golden_calibration.json"))
cat("wrote", length(cases), "cases to", file.path(dir, "golden_calibration.json"), "\n")
