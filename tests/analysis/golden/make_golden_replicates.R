# Reference values from R's survey package for replicate weights (JK1, JKn, BRR, Fay; re-raked and
# post-stratified replicates), quantiles (svyquantile, survey >= 4.1 rules) and two-way tables (svytable,
# svychisq Rao-Scott). tests/analysis/test_golden_replicates.py compares the library with the numbers this
# script writes to golden_replicates.json (coef/SE/attributes at full precision, digits = NA). The tests in
# test_replicates.py, test_quantile.py and test_crosstab.py check the same code against R's documented
# output, brute-force formulas and closed forms.
#
# Run from the repository root:   Rscript tests/analysis/golden/make_golden_replicates.R
# Needs R with survey (>= 4.1) and jsonlite. Last run: R 4.2, survey 4.1-1 (Debian r-cran-survey).
# The bootstrap is not here: R's random numbers differ from numpy's, so R cannot draw the same Rao-Wu
# replicates (they are checked against their formula in test_replicates.py).

suppressMessages({
  library(survey)
  library(jsonlite)
})
options(survey.lonely.psu = "fail", survey.replicates.mse = FALSE)
dir <- "tests/analysis/golden"
num <- function(x) unname(as.numeric(x))
est <- function(s, call) list(r_call = call, estimate = num(coef(s)), se = num(SE(s)))
byest <- function(b, call) list(r_call = call, by = as.character(b[[1]]), estimate = num(coef(b)), se = num(SE(b)))
cases <- list()

# ------------------------------------------------------------------------------ JK1 on apiclus1
clus1 <- read.csv(file.path(dir, "apiclus1.csv"))
dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = clus1, fpc = ~fpc)
rclus1 <- as.svrepdesign(dclus1, type = "JK1")
cases$jk1_mean_api00 <- est(svymean(~api00, rclus1), "svymean(~api00, as.svrepdesign(dclus1, 'JK1'))")
cases$jk1_total_enroll <- est(svytotal(~enroll, rclus1), "svytotal(~enroll, rclus1)")
cases$jk1_mse_mean_api00 <- est(svymean(~api00, as.svrepdesign(dclus1, type = "JK1", mse = TRUE)),
                                "svymean(~api00, as.svrepdesign(dclus1, 'JK1', mse=TRUE))")
pop.types <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
rclus1p <- postStratify(rclus1, ~stype, pop.types)         # each replicate post-stratified again
cases$jk1_ps_mean_api00 <- est(svymean(~api00, rclus1p), "svymean(~api00, postStratify(rclus1, ~stype, pop.types))")
cases$jk1_ps_total_enroll <- est(svytotal(~enroll, rclus1p), "svytotal(~enroll, postStratify(rclus1, ...))")
jk1_df <- degf(rclus1)

# ------------------------------------------------------------------------------ JKn, domains, raking
syn <- read.csv(file.path(dir, "synthetic.csv"))
syn$yes <- as.numeric(syn$q == "yes")
dsyn <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w0, nest = TRUE, data = syn)
rsyn <- as.svrepdesign(dsyn, type = "JKn")
cases$jkn_prop_yes_by_region <- byest(svyby(~yes, ~region, rsyn, svymean), "svyby(~yes, ~region, rsyn, svymean)")
cases$jkn_ratio_income_hh <- est(svyratio(~income, ~hh, rsyn, na.rm = TRUE), "svyratio(~income, ~hh, rsyn, na.rm=TRUE)")
cases$jkn_mse_ratio_income_hh <- est(svyratio(~income, ~hh, as.svrepdesign(dsyn, type = "JKn", mse = TRUE), na.rm = TRUE),
                                     "svyratio(~income, ~hh, as.svrepdesign(dsyn, 'JKn', mse=TRUE), na.rm=TRUE)")
cases$jkn_total_income <- est(svytotal(~income, rsyn, na.rm = TRUE), "svytotal(~income, rsyn, na.rm=TRUE)")
m <- read.csv(file.path(dir, "synthetic_margins.csv"), colClasses = "character"); m$total <- as.numeric(m$total)
pop <- lapply(split(m, m$variable), function(x) { d <- data.frame(x$category, x$total); names(d) <- c(x$variable[1], "Freq"); d })
rraked <- rake(rsyn, list(~region, ~sex, ~agegrp), pop[c("region", "sex", "agegrp")],
               control = list(maxit = 1000, epsilon = 1e-12))
cases$jkn_rk_prop_yes <- est(svymean(~yes, rraked), "svymean(~yes, rake(rsyn, ...))")
cases$jkn_rk_mean_income_by_region <- byest(svyby(~income, ~region, rraked, svymean, na.rm = TRUE),
                                            "svyby(~income, ~region, rake(rsyn, ...), svymean, na.rm=TRUE)")

# ------------------------------------------------------------------------------ BRR and Fay on two PSUs per stratum
# the first two PSUs (sorted codes) of each stratum; the Sylvester Hadamard matrix of order 16 is passed so
# that R uses the same half-samples as the library's default.
keep <- ave(syn$psu, syn$stratum, FUN = function(p) p %in% sort(unique(p))[1:2]) == 1
pairs <- syn[keep, ]
dpairs <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w0, nest = TRUE, data = pairs)
sylvester <- outer(0:15, 0:15, function(i, j) sapply(seq_along(i), function(k) sum(as.integer(intToBits(bitwAnd(i[k], j[k])))) %% 2))
rbrr <- as.svrepdesign(dpairs, type = "BRR", hadamard.matrix = sylvester)
cases$brr_total_income <- est(svytotal(~income, rbrr, na.rm = TRUE), "svytotal(~income, rbrr, na.rm=TRUE)")
cases$brr_mean_income <- est(svymean(~income, rbrr, na.rm = TRUE), "svymean(~income, rbrr, na.rm=TRUE)")
cases$fay_mean_income <- est(svymean(~income, as.svrepdesign(dpairs, type = "Fay", fay.rho = 0.3, hadamard.matrix = sylvester), na.rm = TRUE),
                             "svymean(~income, as.svrepdesign(dpairs, 'Fay', fay.rho=0.3, hadamard.matrix=sylvester), na.rm=TRUE)")
cases$pairs_total_income <- est(svytotal(~income, dpairs, na.rm = TRUE), "svytotal(~income, dpairs, na.rm=TRUE)")

# ------------------------------------------------------------------------------ quantiles
qrows <- function(q, call) {
  x <- q[[1]]
  list(r_call = call, p = num(rownames(x)), estimate = num(x[, 1]), ci_low = num(x[, 2]), ci_high = num(x[, 3]),
       se = num(x[, 4]))
}
strat <- read.csv(file.path(dir, "apistrat.csv"))
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = strat, fpc = ~fpc)
quantiles <- list(
  clus1_api00 = qrows(svyquantile(~api00, dclus1, c(0.25, 0.5, 0.75)), "svyquantile(~api00, dclus1, c(0.25, 0.5, 0.75))"),
  clus1_api00_school = qrows(svyquantile(~api00, dclus1, 0.5, qrule = "school"),
                             "svyquantile(~api00, dclus1, 0.5, qrule='school')"),
  jk1_api00 = qrows(svyquantile(~api00, rclus1, 0.5), "svyquantile(~api00, rclus1, 0.5)")
)
b <- svyby(~api00, ~stype, dstrat, svyquantile, quantiles = c(0.5, 0.9), ci = TRUE, vartype = c("se", "ci"))
quantiles$strat_api00_by_stype <- list(r_call = "svyby(~api00, ~stype, dstrat, svyquantile, quantiles=c(0.5, 0.9), ci=TRUE)",
                                       by = as.character(b$stype), p = c(0.5, 0.9),
                                       estimate = unname(as.matrix(b[, c("api00.0.5", "api00.0.9")])),
                                       se = unname(as.matrix(b[, c("se.api00.0.5", "se.api00.0.9")])))

# ------------------------------------------------------------------------------ two-way tables
chisq <- function(s, call) list(r_call = call, statistic = num(s$statistic), parameter = num(s$parameter),
                                p_value = num(s$p.value))
t <- svytable(~sch_wide + stype, dclus1)
tables <- list(
  clus1_schwide_stype_cells = list(r_call = "svytable(~sch_wide + stype, dclus1)", rows = rownames(t),
                                   columns = colnames(t), total = matrix(num(t), nrow = nrow(t))),
  clus1_schwide_stype = chisq(svychisq(~sch_wide + stype, dclus1), "svychisq(~sch_wide + stype, dclus1)"),
  clus1_schwide_stype_chisq = chisq(svychisq(~sch_wide + stype, dclus1, statistic = "Chisq"),
                                    "svychisq(~sch_wide + stype, dclus1, statistic='Chisq')"),
  jk1_schwide_stype = chisq(svychisq(~sch_wide + stype, rclus1), "svychisq(~sch_wide + stype, rclus1)"),
  strat_schwide_awards = chisq(svychisq(~sch_wide + awards, dstrat), "svychisq(~sch_wide + awards, dstrat)"),
  clus1_stype_awards = chisq(svychisq(~stype + awards, dclus1), "svychisq(~stype + awards, dclus1)")
)
b <- svyby(~awards, ~stype, dclus1, svymean)
tables$clus1_stype_awards_row_props <- list(r_call = "svyby(~awards, ~stype, dclus1, svymean)",
                                            rows = as.character(b$stype), columns = c("No", "Yes"),
                                            proportion = unname(as.matrix(b[, c("awardsNo", "awardsYes")])),
                                            se = unname(as.matrix(b[, c("se.awardsNo", "se.awardsYes")])))

golden <- list(generated_by = "tests/analysis/golden/make_golden_replicates.R", r_version = R.version.string,
               survey_version = as.character(packageVersion("survey")), jk1_df = jk1_df, cases = cases,
               quantiles = quantiles, tables = tables)
writeLines(toJSON(golden, auto_unbox = TRUE, digits = NA, null = "null", pretty = TRUE, matrix = "rowmajor"),
           file.path(dir, "golden_replicates.json"))
cat("wrote", length(cases), "+", length(quantiles), "+", length(tables), "cases to",
    file.path(dir, "golden_replicates.json"), "\n")
