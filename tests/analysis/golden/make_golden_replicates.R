# NOT YET RUN. R was not available where these cases were written. The tests of replicate weights, quantiles
# and the Rao-Scott test check against values R's survey package prints in its own documentation and test
# output (apiclus1: svymean/svytotal on as.svrepdesign(dclus1), its post-stratification, svychisq and
# svytable), against brute-force formulas and closed forms (see each test's docstring). A maintainer with R
# (survey >= 4.1) can run this from the repository root:
#
#   Rscript tests/analysis/golden/make_golden_replicates_NOT_RUN.R
#
# and compare the printout with the numbers the tests compute (printed by the Python snippets in the
# comments); they should agree to ~1e-10. Once they do, fold the cases into make_golden.R / golden.json and
# drop "NOT_RUN" from this file's name.

suppressMessages(library(survey))
options(survey.lonely.psu = "fail", survey.replicates.mse = FALSE, digits = 15)
dir <- "tests/analysis/golden"

# ------------------------------------------------------------------------------ JK1 on apiclus1
# tests/analysis/test_replicates.py::test_jk1_on_apiclus1_reproduces_r_survey_test_output
clus1 <- read.csv(file.path(dir, "apiclus1.csv"))
dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = clus1, fpc = ~fpc)
rclus1 <- as.svrepdesign(dclus1, type = "JK1")
print(svymean(~api00, rclus1))                            # analysis.mean(dclus1.with_replicates("jk1"), "api00")
print(svytotal(~enroll, rclus1))
print(svymean(~api00, as.svrepdesign(dclus1, type = "JK1", mse = TRUE)))
pop.types <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
rclus1p <- postStratify(rclus1, ~stype, pop.types)         # each replicate post-stratified again
print(svymean(~api00, rclus1p)); print(svytotal(~enroll, rclus1p))
print(degf(rclus1))                                        # analysis: design.df == 14

# ------------------------------------------------------------------------------ JKn, domains, raking
# test_jkn_domains_proportion_and_ratio_equal_brute_force, test_raked_design_rakes_every_replicate_again
syn <- read.csv(file.path(dir, "synthetic.csv"))
syn$yes <- as.numeric(syn$q == "yes")
dsyn <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w0, nest = TRUE, data = syn)
rsyn <- as.svrepdesign(dsyn, type = "JKn")
print(svyby(~yes, ~region, rsyn, svymean))                 # analysis.proportion(jkn, "q", ["yes"], by="region")
print(svyratio(~income, ~hh, rsyn, na.rm = TRUE))
print(svyratio(~income, ~hh, as.svrepdesign(dsyn, type = "JKn", mse = TRUE), na.rm = TRUE))
print(svytotal(~income, rsyn, na.rm = TRUE)); print(svytotal(~income, dsyn, na.rm = TRUE))  # equal SEs
m <- read.csv(file.path(dir, "synthetic_margins.csv"), colClasses = "character"); m$total <- as.numeric(m$total)
pop <- lapply(split(m, m$variable), function(x) { d <- data.frame(x$category, x$total); names(d) <- c(x$variable[1], "Freq"); d })
rraked <- rake(rsyn, list(~region, ~sex, ~agegrp), pop[c("region", "sex", "agegrp")],
               control = list(maxit = 1000, epsilon = 1e-12))
print(svymean(~yes, rraked))                                # analysis.proportion(jkn.rake(margins), "q", ["yes"])
print(svyby(~income, ~region, rraked, svymean, na.rm = TRUE))

# ------------------------------------------------------------------------------ BRR and Fay on two PSUs per stratum
# test_jackknife_and_brr_variance_of_a_total_is_the_linearised_one: the first two PSUs (sorted codes) of each
# stratum; the Sylvester Hadamard matrix of order 16 is passed so that R uses the same half-samples.
keep <- ave(syn$psu, syn$stratum, FUN = function(p) p %in% sort(unique(p))[1:2]) == 1
pairs <- syn[keep, ]
dpairs <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w0, nest = TRUE, data = pairs)
sylvester <- outer(0:15, 0:15, function(i, j) sapply(seq_along(i), function(k) sum(as.integer(intToBits(bitwAnd(i[k], j[k])))) %% 2))
rbrr <- as.svrepdesign(dpairs, type = "BRR", hadamard.matrix = sylvester)
print(svytotal(~income, rbrr, na.rm = TRUE)); print(svytotal(~income, dpairs, na.rm = TRUE))
print(svymean(~income, rbrr, na.rm = TRUE))                 # dpairs.with_replicates("brr")
print(svymean(~income, as.svrepdesign(dpairs, type = "Fay", fay.rho = 0.3, hadamard.matrix = sylvester), na.rm = TRUE))

# ------------------------------------------------------------------------------ bootstrap
# R's random numbers differ from numpy's, so R cannot draw the same Rao-Wu replicates. Write them from Python
#   m = analysis.replicate_variance.replicate_weights(design.with_replicates("bootstrap", replicates=80, seed=11))
# next to the data and read them back with svrepdesign(type = "bootstrap", repweights = "rep[0-9]+",
# weights = ~w0, combined.weights = TRUE); R's "subbootstrap" is the same construction (n_h - 1 draws).

# ------------------------------------------------------------------------------ quantiles (tests/analysis/test_quantile.py)
print(svyquantile(~api00, dclus1, c(0.25, 0.5, 0.75)))       # analysis.quantile.quantile(dclus1, "api00", [...])
print(svyquantile(~api00, dclus1, 0.5, qrule = "school"))
strat <- read.csv(file.path(dir, "apistrat.csv"))
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = strat, fpc = ~fpc)
print(svyby(~api00, ~stype, dstrat, svyquantile, quantiles = c(0.5, 0.9), ci = TRUE))
print(svyquantile(~api00, rclus1, 0.5))                     # Woodruff with the replicate SE of the share

# ------------------------------------------------------------------------------ two-way tables (tests/analysis/test_crosstab.py)
print(svytable(~sch_wide + stype, dclus1))
print(svychisq(~sch_wide + stype, dclus1))                   # F = 5.1934, ndf = 1.4946, ddf = 20.925
print(svychisq(~sch_wide + stype, dclus1, statistic = "Chisq"))
print(svychisq(~sch_wide + stype, rclus1))                   # F = 4.4639
print(svychisq(~sch_wide + awards, dstrat))
print(svychisq(~stype + awards, dclus1))
print(svyby(~awards, ~stype, dclus1, svymean))               # row proportions of crosstab(dclus1, "stype", "awards")
