"""The report's own words in every report language (the model supplies the rest).

Every key exists in every language (a test checks it) and uses the same ``{placeholders}``.
Texts typed by users (team names, comments) are never part of these strings: the report
escapes them separately and inserts them where a placeholder says so.
"""

from __future__ import annotations

from typing import Final

__all__ = ["REPORT_LANGUAGES", "TEXTS", "text"]

#: Languages a report can be written in.
REPORT_LANGUAGES: Final = ("en", "nl", "ru", "uk")

_EN: Final = {
    "sec_assessment": "Consultant's assessment beside the survey",
    "assessment_lead": (
        "Besides the survey, the consultant rated each facet from evidence: interviews, "
        "observation and documents. Where the two are two or more levels apart, the table "
        "says they disagree: what people report and what can be observed do not match, "
        "and the reason is worth finding."
    ),
    "no_ratings": "The consultant has not rated any facet yet.",
    "assessment_unit": (
        "The consultant's assessment covers the whole organisation: see the "
        "organisation's report."
    ),
    "facet": "Facet",
    "survey_level": "Survey",
    "consultant_level": "Consultant",
    "evidence": "Evidence",
    "agreement": "Agreement",
    "agree": "agree",
    "differ": "one level apart",
    "disagree": "disagree",
    "roadmap": "Roadmap",
    "roadmap_lead": (
        "The phases follow the dependencies between dimensions: a dimension waits for the "
        "ones it builds on. Within a phase, the largest weighted gap comes first."
    ),
    "phase": "Phase",
    "step": "Step",
    "after": "After",
    "report": "Service maturity report",
    "unit_organisation": "Whole organisation",
    "unit_team": "Team: {name}",
    "unit_role": "Role: {name}",
    "unit_department": "Department: {name}",
    "engagement": "Engagement",
    "wave": "Wave",
    "date": "Date",
    "model": "Model",
    "respondents": "Respondents",
    "min_group_size": "Minimum group size",
    "confidential": (
        "Confidential. Results are shown only for groups of at least {min} respondents; "
        "smaller groups, and groups from which a smaller one could be worked out, are hidden. "
        "The report contains no individual answers."
    ),
    "contents": "Contents",
    "sec_summary": "Summary",
    "sec_scorecard": "Scorecard: current level and target",
    "sec_iceberg": "Perception gap between executives, managers and frontline",
    "sec_heatmap": "Dimensions by team",
    "sec_distribution": "Answers per question",
    "sec_outcomes": "Trifecta balance, customer versus employee experience, and eNPS",
    "sec_strengths": "Strengths and opportunities",
    "sec_recommendations": "Next-level recommendations",
    "sec_comments": "Comments",
    "sec_appendix": "Appendix: participation, reliability and method",
    "overall": "Overall",
    "dimension": "Dimension",
    "level": "Level",
    "level_name": "Level {level}: {name}",
    "mean": "Mean",
    "n": "n",
    "not_shown": "not shown",
    "hidden": "hidden",
    "overall_lead": "Overall maturity",
    "overall_detail": "mean {mean} on the 1–5 scale, {n} respondents",
    "overall_hidden": (
        "The overall level is not shown: too few respondents answered every dimension."
    ),
    "summary_lead": (
        "The level of each dimension follows from the mean score of its questions on the "
        "1–5 scale: below 1.8 is level 1, below 2.6 level 2, below 3.4 level 3, below 4.2 "
        "level 4, and 4.2 or more level 5."
    ),
    "dimension_hidden": "Not shown: too few answers.",
    "current": "Current",
    "target": "Target",
    "gap": "Gap to target",
    "difference": "Gap",
    "priority": "Priority",
    "target_met": "met",
    "no_targets": (
        "No targets have been set for this engagement yet, so the scorecard shows the current "
        "level only. Targets are agreed with the client per dimension."
    ),
    "targets_lead": (
        "The gap is the distance from the current mean to the lowest score of the target "
        "level. Priority is the roadmap's order: a dimension comes after the dimensions it "
        "builds on, then the largest gap weighted by the dimension's weight comes first."
    ),
    "chart_scorecard": "Current score by dimension",
    "chart_scorecard_targets": "Current score and target by dimension",
    "axis_score": "Mean score (1–5)",
    "iceberg_lead": (
        "Executives, managers and frontline staff answered the same questions, each phrased "
        "for their role. The further apart their scores, the less the top of the organisation "
        "sees of what the frontline experiences."
    ),
    "iceberg_context_role": (
        "This report covers one role; the layers below are those of the whole organisation, for "
        "comparison."
    ),
    "iceberg_context_department": (
        "This report covers one department; the layers below are those of the whole organisation, "
        "for comparison."
    ),
    "iceberg_index": "Iceberg index (mean gap between executives and frontline): {value}",
    "iceberg_index_na": (
        "The iceberg index is not computed: not every layer has enough respondents."
    ),
    "chart_iceberg": "Mean score by layer",
    "layers_hidden": "The layers are not shown separately here: at least one of them is too small.",
    "layer": "Layer",
    "comparison": "Comparison",
    "gap_exec": "Executives − frontline",
    "gap_manager": "Managers − frontline",
    "ci": "95% confidence interval",
    "gap_hidden": "not computed (a group is too small)",
    "role_executive": "Executives",
    "role_manager": "Managers",
    "role_frontline": "Frontline",
    "heatmap_lead": (
        "Mean score of each group per dimension, from dark (low) to light (high). Grey cells "
        "marked “hidden” show no value: the group has fewer than {min} respondents, or it is "
        "withheld so that a smaller group cannot be worked out."
    ),
    "heatmap_consensus": (
        "* low consensus: the group's members answered very differently (rwg(J) below 0.70), "
        "so the mean does not describe a shared view."
    ),
    "heatmap_by_department": (
        "The organisation has {teams} teams, too many for one readable chart: the heatmap "
        "shows departments, and each department report shows its teams."
    ),
    "heatmap_too_many": (
        "There are {count} groups, too many for one readable chart; see the department reports."
    ),
    "chart_heatmap": "Mean score by team and dimension",
    "chart_heatmap_departments": "Mean score by department and dimension",
    "team": "Team",
    "department": "Department",
    "distribution_lead": (
        "Share of answers per question, centred on the neutral answer: disagreement to the "
        "left, agreement to the right. Questions are quoted as put to {role}. ↺ marks a "
        "reverse-worded question, where agreeing is unfavourable."
    ),
    "distribution_dropped": (
        "Not shown: {count} questions. Answers to a question are shown only where at least "
        "{min} people answered it, here and in every group it could be combined with."
    ),
    "chart_distribution": "Answers: {dimension}",
    "axis_share": "Share of answers (%)",
    "question": "Question",
    "answer": "Answer",
    "role_phrase_executive": "executives",
    "role_phrase_manager": "managers",
    "role_phrase_frontline": "frontline staff",
    "outcomes_lead": (
        "Service that lasts balances three outcomes: operational excellence, customer "
        "experience and employee engagement. Everyone rated each of them on the 1–5 scale, "
        "with customer advocacy."
    ),
    "outcomes_hidden": "The outcome ratings are not shown: too few answers.",
    "chart_outcomes": "Outcome ratings",
    "measure": "Measure",
    "operational_excellence": "Operational excellence",
    "customer_experience": "Customer experience",
    "employee_engagement": "Employee engagement",
    "customer_advocacy": "Customer advocacy",
    "trifecta_balance": (
        "Spread between the three (highest minus lowest): {spread}; weakest: {weakest}."
    ),
    "cx_yes": (
        "Customer experience outruns employee engagement by {value} points (the threshold is "
        "{margin}): service is being delivered on staff effort that may not last."
    ),
    "cx_no": (
        "Customer experience does not outrun employee engagement (difference {value}; the "
        "threshold is {margin})."
    ),
    "cx_na": "The comparison of customer experience and employee engagement is not available.",
    "enps_heading": "Employee Net Promoter Score (eNPS)",
    "enps_value": (
        "eNPS {value}: {promoters}% promoters (9–10), {passives}% passives (7–8), "
        "{detractors}% detractors (0–6), of {n} answers."
    ),
    "enps_hidden": "The eNPS is not shown: too few answers.",
    "chart_enps": "Would recommend the organisation as a place to work",
    "promoters": "Promoters",
    "passives": "Passives",
    "detractors": "Detractors",
    "share": "Share (%)",
    "strengths_lead": (
        "The questions with the highest and the lowest mean scores (reverse-worded questions "
        "are scored so that higher is always better)."
    ),
    "strengths": "Strengths",
    "opportunities": "Opportunities",
    "strengths_hidden": "Not shown: too few answers.",
    "recommendations_lead": (
        "For each dimension: what its current level looks like, and the actions that lead to "
        "the next level."
    ),
    "towards": "Towards level {level}: {name}",
    "sustain": "Sustaining level 5: {name}",
    "recommendation_hidden": "No recommendation: the level of this dimension is not shown.",
    "comments_lead": (
        "Comments are shown only for teams of at least {min} respondents, quoted as written, "
        "in an order unrelated to when they were written."
    ),
    "comments_none": "No comments can be shown in this report.",
    "comments_role": (
        "Comments are not shown in role reports: read together with the team reports, they "
        "could point to individual people."
    ),
    "participation": "Participation",
    "group": "Group",
    "participation_note": (
        "Hidden: fewer than {min} respondents, or withheld so that a smaller group cannot be "
        "worked out."
    ),
    "reliability": "Reliability",
    "reliability_lead": (
        "Cronbach's alpha per dimension with its 95% confidence interval, computed on all "
        "respondents of the engagement after reverse-coding. Below 0.70 the questions of a "
        "dimension do not measure one thing consistently enough."
    ),
    "alpha": "Alpha",
    "items": "Questions",
    "flags": "Flags",
    "low_reliability": "low reliability",
    "mis_keyed": "possibly mis-keyed: {items}",
    "reliability_hidden": "not computed (too few respondents)",
    "method": "Method",
    "method_scores": (
        "Answers are on a 1–5 agreement scale; reverse-worded questions count as 6 minus the "
        "answer. A respondent's dimension score is the mean of their answered questions in it, "
        "if they answered at least half of them; “cannot judge” and blank answers are left "
        "out. A group's score is the mean of its members' scores, with a t-based 95% confidence "
        "interval; the overall score is the weighted mean of the dimension scores."
    ),
    "method_gap": (
        "The perception gap is the executive mean minus the frontline mean (and the manager "
        "mean minus the frontline mean) per dimension, with a Welch 95% confidence interval; it "
        "is computed only when both groups are shown."
    ),
    "method_outcomes": (
        "eNPS is the percentage answering 9 or 10 minus the percentage answering 0 to 6 to "
        "“how likely is it that you would recommend this organisation as a place to work?”. "
        "Customer experience outruns employee engagement when its mean rating is more than "
        "{margin} points higher."
    ),
    "method_confidentiality": (
        "No number is shown for a group of fewer than {min} respondents. Further groups are "
        "hidden where needed, so that no hidden group can be worked out by subtracting shown "
        "numbers, across every breakdown of every report of this engagement. Comments are "
        "shown only for teams of at least {comment_min} respondents, in a neutral order. Charts "
        "are drawn from group totals only."
    ),
    "generated": "Model {model} {version}; report generated with assessment {package}.",
    "iceberg_context_team": (
        "The layers of this team are not shown separately: at least one of them is too small. "
        "The layers below are those of the whole organisation, for comparison."
    ),
    "heatmap_context_team": (
        "For comparison, the heatmap shows every team of the organisation; this team is "
        "marked ▶ and outlined."
    ),
    "heatmap_context_team_department": (
        "For comparison, the heatmap shows every department of the organisation; the "
        "department of this team is marked ▶ and outlined."
    ),
    "heatmap_context_role": (
        "This role is not shown team by team: in each team its group is too small, or "
        "withheld so that a smaller group cannot be worked out. For comparison, the heatmap "
        "shows whole teams (every layer)."
    ),
    "heatmap_context_department": (
        "The teams of this department are not shown separately: each is too small, or "
        "withheld so that a smaller group cannot be worked out. For comparison, the heatmap "
        "shows every department; this department is marked ▶ and outlined."
    ),
    "heatmap_role_team": "Each row is this role within one team.",
    "heatmap_all_hidden": (
        "No group of this heatmap can be shown: each has fewer than {min} respondents, or is "
        "withheld so that a smaller group cannot be worked out."
    ),
    "not_applicable": "not applicable",
    "index_title": "{organisation}: reports of engagement {engagement} ({wave})",
    "index_title_engagement": "Reports of engagement {engagement}",
    "index_lead": "{total} reports: {ready} ready, {failed} failed. Generated {when}.",
    "index_unit": "Unit",
    "index_language": "Language",
    "index_status": "Status",
    "index_report": "Report",
    "index_audit": "Audit trail",
    "index_error": "Error",
    "index_notebook": "notebook",
    "status_ok": "ready",
    "status_unchanged": "ready (unchanged)",
    "status_failed": "failed",
}

_NL: Final = {
    "sec_assessment": "Beoordeling door de consultant naast de enquête",
    "assessment_lead": (
        "Naast de enquête heeft de consultant elk facet beoordeeld op basis van bewijs: "
        "interviews, observatie en documenten. Liggen de twee twee niveaus of meer uit "
        "elkaar, dan staat er dat ze verschillen: wat mensen zeggen en wat je kunt zien, "
        "komt niet overeen, en de oorzaak is het uitzoeken waard."
    ),
    "no_ratings": "De consultant heeft nog geen facet beoordeeld.",
    "assessment_unit": (
        "De beoordeling door de consultant gaat over de hele organisatie: zie het rapport "
        "van de organisatie."
    ),
    "facet": "Facet",
    "survey_level": "Enquête",
    "consultant_level": "Consultant",
    "evidence": "Onderbouwing",
    "agreement": "Overeenstemming",
    "agree": "eens",
    "differ": "één niveau verschil",
    "disagree": "oneens",
    "roadmap": "Routekaart",
    "roadmap_lead": (
        "De fasen volgen de afhankelijkheden tussen de dimensies: een dimensie wacht op "
        "de dimensies waarop ze voortbouwt. Binnen een fase komt het grootste gewogen "
        "verschil eerst."
    ),
    "phase": "Fase",
    "step": "Stap",
    "after": "Na",
    "report": "Rapport servicevolwassenheid",
    "unit_organisation": "Hele organisatie",
    "unit_team": "Team: {name}",
    "unit_role": "Rol: {name}",
    "unit_department": "Afdeling: {name}",
    "engagement": "Opdracht",
    "wave": "Meting",
    "date": "Datum",
    "model": "Model",
    "respondents": "Respondenten",
    "min_group_size": "Minimale groepsgrootte",
    "confidential": (
        "Vertrouwelijk. Resultaten worden alleen getoond voor groepen van minstens {min} "
        "respondenten; kleinere groepen, en groepen waaruit een kleinere groep af te leiden "
        "is, zijn verborgen. Het rapport bevat geen individuele antwoorden."
    ),
    "contents": "Inhoud",
    "sec_summary": "Samenvatting",
    "sec_scorecard": "Scorekaart: huidig niveau en doel",
    "sec_iceberg": "Verschil in beeld tussen directie, leidinggevenden en frontlinie",
    "sec_heatmap": "Dimensies per team",
    "sec_distribution": "Antwoorden per vraag",
    "sec_outcomes": "Balans in de trifecta, klant- tegenover medewerkerbeleving, en eNPS",
    "sec_strengths": "Sterke punten en kansen",
    "sec_recommendations": "Aanbevelingen voor het volgende niveau",
    "sec_comments": "Opmerkingen",
    "sec_appendix": "Bijlage: deelname, betrouwbaarheid en methode",
    "overall": "Totaal",
    "dimension": "Dimensie",
    "level": "Niveau",
    "level_name": "Niveau {level}: {name}",
    "mean": "Gemiddelde",
    "n": "n",
    "not_shown": "niet getoond",
    "hidden": "verborgen",
    "overall_lead": "Volwassenheid totaal",
    "overall_detail": "gemiddeld {mean} op de schaal 1–5, {n} respondenten",
    "overall_hidden": (
        "Het totaalniveau wordt niet getoond: te weinig respondenten beantwoordden elke dimensie."
    ),
    "summary_lead": (
        "Het niveau van een dimensie volgt uit de gemiddelde score van haar vragen op de schaal "
        "1–5: onder 1,8 is niveau 1, onder 2,6 niveau 2, onder 3,4 niveau 3, onder 4,2 niveau 4, "
        "en 4,2 of meer niveau 5."
    ),
    "dimension_hidden": "Niet getoond: te weinig antwoorden.",
    "current": "Huidig",
    "target": "Doel",
    "gap": "Afstand tot doel",
    "difference": "Verschil",
    "priority": "Prioriteit",
    "target_met": "gehaald",
    "no_targets": (
        "Voor deze opdracht zijn nog geen doelen vastgesteld; de scorekaart toont daarom alleen "
        "het huidige niveau. Doelen worden per dimensie met de klant afgesproken."
    ),
    "targets_lead": (
        "De afstand is het verschil tussen het huidige gemiddelde en de laagste score van het "
        "doelniveau. De prioriteit is de volgorde van het stappenplan: een dimensie komt na "
        "de dimensies waarop ze voortbouwt, daarna gaat de grootste afstand, gewogen met het "
        "gewicht van de dimensie, voor."
    ),
    "chart_scorecard": "Huidige score per dimensie",
    "chart_scorecard_targets": "Huidige score en doel per dimensie",
    "axis_score": "Gemiddelde score (1–5)",
    "iceberg_lead": (
        "Directie, leidinggevenden en frontlinie beantwoordden dezelfde vragen, elk in de "
        "bewoording van hun rol. Hoe verder hun scores uiteenlopen, hoe minder de top ziet van "
        "wat de frontlinie ervaart."
    ),
    "iceberg_context_role": (
        "Dit rapport gaat over één rol; de lagen hieronder zijn die van de hele organisatie, ter "
        "vergelijking."
    ),
    "iceberg_context_department": (
        "Dit rapport gaat over één afdeling; de lagen hieronder zijn die van de hele organisatie, "
        "ter vergelijking."
    ),
    "iceberg_index": "IJsbergindex (gemiddeld verschil tussen directie en frontlinie): {value}",
    "iceberg_index_na": (
        "De ijsbergindex wordt niet berekend: niet elke laag heeft genoeg respondenten."
    ),
    "chart_iceberg": "Gemiddelde score per laag",
    "layers_hidden": "De lagen worden hier niet apart getoond: minstens één ervan is te klein.",
    "layer": "Laag",
    "comparison": "Vergelijking",
    "gap_exec": "Directie − frontlinie",
    "gap_manager": "Leidinggevenden − frontlinie",
    "ci": "95%-betrouwbaarheidsinterval",
    "gap_hidden": "niet berekend (een groep is te klein)",
    "role_executive": "Directie",
    "role_manager": "Leidinggevenden",
    "role_frontline": "Frontlinie",
    "heatmap_lead": (
        "Gemiddelde score van elke groep per dimensie, van donker (laag) tot licht (hoog). "
        "Grijze cellen met “verborgen” tonen geen waarde: de groep heeft minder dan {min} "
        "respondenten, of is verborgen zodat een kleinere groep niet af te leiden is."
    ),
    "heatmap_consensus": (
        "* weinig consensus: de leden van de groep antwoordden zeer verschillend (rwg(J) onder "
        "0,70), dus het gemiddelde beschrijft geen gedeeld beeld."
    ),
    "heatmap_by_department": (
        "De organisatie heeft {teams} teams, te veel voor één leesbare grafiek: de heatmap toont "
        "afdelingen, en elk afdelingsrapport toont zijn teams."
    ),
    "heatmap_too_many": (
        "Er zijn {count} groepen, te veel voor één leesbare grafiek; zie de afdelingsrapporten."
    ),
    "chart_heatmap": "Gemiddelde score per team en dimensie",
    "chart_heatmap_departments": "Gemiddelde score per afdeling en dimensie",
    "team": "Team",
    "department": "Afdeling",
    "distribution_lead": (
        "Verdeling van de antwoorden per vraag, gecentreerd op het neutrale antwoord: oneens "
        "naar links, eens naar rechts. Vragen staan zoals ze aan {role} zijn gesteld. ↺ markeert "
        "een omgekeerd geformuleerde vraag, waarbij instemmen ongunstig is."
    ),
    "distribution_dropped": (
        "Niet getoond: {count} vragen. De antwoorden op een vraag worden alleen getoond als "
        "ten minste {min} mensen die vraag hebben beantwoord, hier en in elke groep waarmee "
        "ze te combineren zijn."
    ),
    "chart_distribution": "Antwoorden: {dimension}",
    "axis_share": "Aandeel van de antwoorden (%)",
    "question": "Vraag",
    "answer": "Antwoord",
    "role_phrase_executive": "de directie",
    "role_phrase_manager": "leidinggevenden",
    "role_phrase_frontline": "medewerkers in de frontlinie",
    "outcomes_lead": (
        "Duurzame service houdt drie uitkomsten in balans: operationele excellentie, "
        "klantbeleving en medewerkerbetrokkenheid. Iedereen beoordeelde elk daarvan op de schaal "
        "1–5, net als de aanbeveling door klanten."
    ),
    "outcomes_hidden": "De uitkomstscores worden niet getoond: te weinig antwoorden.",
    "chart_outcomes": "Scores op de uitkomsten",
    "measure": "Uitkomst",
    "operational_excellence": "Operationele excellentie",
    "customer_experience": "Klantbeleving",
    "employee_engagement": "Medewerkerbetrokkenheid",
    "customer_advocacy": "Aanbeveling door klanten",
    "trifecta_balance": (
        "Spreiding tussen de drie (hoogste min laagste): {spread}; zwakste: {weakest}."
    ),
    "cx_yes": (
        "De klantbeleving loopt {value} punten voor op de medewerkerbetrokkenheid (de drempel "
        "is {margin}): de service draait op inzet van medewerkers die mogelijk niet vol te "
        "houden is."
    ),
    "cx_no": (
        "De klantbeleving loopt niet voor op de medewerkerbetrokkenheid (verschil {value}; de "
        "drempel is {margin})."
    ),
    "cx_na": "De vergelijking van klantbeleving en medewerkerbetrokkenheid is niet beschikbaar.",
    "enps_heading": "Employee Net Promoter Score (eNPS)",
    "enps_value": (
        "eNPS {value}: {promoters}% promotors (9–10), {passives}% passief (7–8), "
        "{detractors}% criticasters (0–6), van {n} antwoorden."
    ),
    "enps_hidden": "De eNPS wordt niet getoond: te weinig antwoorden.",
    "chart_enps": "Zou de organisatie aanbevelen als werkgever",
    "promoters": "Promotors",
    "passives": "Passief",
    "detractors": "Criticasters",
    "share": "Aandeel (%)",
    "strengths_lead": (
        "De vragen met de hoogste en de laagste gemiddelde score (omgekeerd geformuleerde vragen "
        "zijn zo gescoord dat hoger altijd beter is)."
    ),
    "strengths": "Sterke punten",
    "opportunities": "Kansen",
    "strengths_hidden": "Niet getoond: te weinig antwoorden.",
    "recommendations_lead": (
        "Per dimensie: hoe het huidige niveau eruitziet, en de acties die naar het volgende "
        "niveau leiden."
    ),
    "towards": "Op weg naar niveau {level}: {name}",
    "sustain": "Niveau 5 vasthouden: {name}",
    "recommendation_hidden": "Geen aanbeveling: het niveau van deze dimensie wordt niet getoond.",
    "comments_lead": (
        "Opmerkingen worden alleen getoond voor teams van minstens {min} respondenten, letterlijk "
        "en in een volgorde die niets zegt over wanneer ze zijn geschreven."
    ),
    "comments_none": "In dit rapport kunnen geen opmerkingen worden getoond.",
    "comments_role": (
        "Opmerkingen worden niet getoond in rolrapporten: samen met de teamrapporten gelezen "
        "zouden ze naar individuele personen kunnen wijzen."
    ),
    "participation": "Deelname",
    "group": "Groep",
    "participation_note": (
        "Verborgen: minder dan {min} respondenten, of verborgen zodat een kleinere groep niet af "
        "te leiden is."
    ),
    "reliability": "Betrouwbaarheid",
    "reliability_lead": (
        "Cronbachs alfa per dimensie met het 95%-betrouwbaarheidsinterval, berekend op alle "
        "respondenten van de opdracht na omcoderen. Onder 0,70 meten de vragen van een dimensie "
        "niet consistent genoeg hetzelfde."
    ),
    "alpha": "Alfa",
    "items": "Vragen",
    "flags": "Signalen",
    "low_reliability": "lage betrouwbaarheid",
    "mis_keyed": "mogelijk verkeerd gecodeerd: {items}",
    "reliability_hidden": "niet berekend (te weinig respondenten)",
    "method": "Methode",
    "method_scores": (
        "Antwoorden staan op een schaal van 1–5; omgekeerd geformuleerde vragen tellen als 6 min "
        "het antwoord. De dimensiescore van een respondent is het gemiddelde van de beantwoorde "
        "vragen van die dimensie, als minstens de helft is beantwoord; “kan ik niet beoordelen” "
        "en lege antwoorden tellen niet mee. De score van een groep is het gemiddelde van de "
        "scores van haar leden, met een 95%-betrouwbaarheidsinterval (t-verdeling); de "
        "totaalscore is het gewogen gemiddelde van de dimensiescores."
    ),
    "method_gap": (
        "Het verschil in beeld is per dimensie het gemiddelde van de directie min dat van de "
        "frontlinie (en van leidinggevenden min de frontlinie), met een 95%-interval volgens "
        "Welch; het wordt alleen berekend als beide groepen getoond worden."
    ),
    "method_outcomes": (
        "eNPS is het percentage dat 9 of 10 antwoordt min het percentage dat 0 tot 6 antwoordt "
        "op “hoe waarschijnlijk is het dat u deze organisatie als werkgever aanbeveelt?”. De "
        "klantbeleving loopt voor op de medewerkerbetrokkenheid als haar gemiddelde meer dan "
        "{margin} punten hoger is."
    ),
    "method_confidentiality": (
        "Voor een groep van minder dan {min} respondenten wordt geen enkel getal getoond. Waar "
        "nodig worden meer groepen verborgen, zodat geen verborgen groep te berekenen is door "
        "getoonde getallen van elkaar af te trekken, over alle indelingen van alle rapporten van "
        "deze opdracht. Opmerkingen worden alleen getoond voor teams van minstens {comment_min} "
        "respondenten, in een neutrale volgorde. Grafieken zijn getekend uit groepstotalen."
    ),
    "generated": "Model {model} {version}; rapport gemaakt met assessment {package}.",
    "iceberg_context_team": (
        "De lagen van dit team worden niet apart getoond: minstens één ervan is te klein. "
        "Hieronder staan ter vergelijking de lagen van de hele organisatie."
    ),
    "heatmap_context_team": (
        "Ter vergelijking toont de heatmap alle teams van de organisatie; dit team is "
        "gemarkeerd met ▶ en omlijnd."
    ),
    "heatmap_context_team_department": (
        "Ter vergelijking toont de heatmap alle afdelingen van de organisatie; de afdeling "
        "van dit team is gemarkeerd met ▶ en omlijnd."
    ),
    "heatmap_context_role": (
        "Deze rol wordt niet per team getoond: in elk team is de groep te klein, of verborgen "
        "zodat een kleinere groep niet af te leiden is. Ter vergelijking toont de heatmap "
        "hele teams (alle lagen)."
    ),
    "heatmap_context_department": (
        "De teams van deze afdeling worden niet apart getoond: elk team is te klein, of "
        "verborgen zodat een kleinere groep niet af te leiden is. Ter vergelijking toont de "
        "heatmap alle afdelingen; deze afdeling is gemarkeerd met ▶ en omlijnd."
    ),
    "heatmap_role_team": "Elke rij is deze rol binnen één team.",
    "heatmap_all_hidden": (
        "Geen enkele groep van deze heatmap kan worden getoond: elke groep heeft minder dan "
        "{min} respondenten, of is verborgen zodat een kleinere groep niet af te leiden is."
    ),
    "not_applicable": "niet van toepassing",
    "index_title": "{organisation}: rapporten van opdracht {engagement} ({wave})",
    "index_title_engagement": "Rapporten van opdracht {engagement}",
    "index_lead": "{total} rapporten: {ready} klaar, {failed} mislukt. Gemaakt op {when}.",
    "index_unit": "Eenheid",
    "index_language": "Taal",
    "index_status": "Status",
    "index_report": "Rapport",
    "index_audit": "Controlespoor",
    "index_error": "Fout",
    "index_notebook": "notebook",
    "status_ok": "klaar",
    "status_unchanged": "klaar (ongewijzigd)",
    "status_failed": "mislukt",
}

_RU: Final = {
    "sec_assessment": "Оценка консультанта в сравнении с опросом",
    "assessment_lead": (
        "Помимо опроса, консультант оценил каждый аспект по фактам: интервью, наблюдениям "
        "и документам. Если оценки расходятся на два уровня и больше, в таблице указано "
        "расхождение: то, что говорят люди, не совпадает с тем, что можно наблюдать, и "
        "причину стоит выяснить."
    ),
    "no_ratings": "Консультант ещё не оценил ни одного аспекта.",
    "assessment_unit": (
        "Оценка консультанта относится ко всей организации: см. отчёт по организации."
    ),
    "facet": "Аспект",
    "survey_level": "Опрос",
    "consultant_level": "Консультант",
    "evidence": "Обоснование",
    "agreement": "Совпадение",
    "agree": "совпадает",
    "differ": "разница в один уровень",
    "disagree": "расходится",
    "roadmap": "Дорожная карта",
    "roadmap_lead": (
        "Этапы следуют зависимостям между измерениями: измерение ждёт те, на которые оно "
        "опирается. Внутри этапа первым идёт наибольший взвешенный разрыв."
    ),
    "phase": "Этап",
    "step": "Шаг",
    "after": "После",
    "report": "Отчёт о зрелости сервиса",
    "unit_organisation": "Вся организация",
    "unit_team": "Команда: {name}",
    "unit_role": "Роль: {name}",
    "unit_department": "Подразделение: {name}",
    "engagement": "Проект",
    "wave": "Волна",
    "date": "Дата",
    "model": "Модель",
    "respondents": "Респонденты",
    "min_group_size": "Минимальный размер группы",
    "confidential": (
        "Конфиденциально. Результаты показаны только для групп не меньше {min} респондентов; "
        "меньшие группы, а также группы, по которым можно вычислить меньшую, скрыты. "
        "Индивидуальных ответов в отчёте нет."
    ),
    "contents": "Содержание",
    "sec_summary": "Краткие итоги",
    "sec_scorecard": "Карта показателей: текущий уровень и цель",
    "sec_iceberg": "Разрыв восприятия между руководством, менеджерами и первой линией",
    "sec_heatmap": "Измерения по командам",
    "sec_distribution": "Ответы на каждый вопрос",
    "sec_outcomes": "Баланс трёх результатов, клиентский опыт против опыта сотрудников и eNPS",
    "sec_strengths": "Сильные стороны и зоны роста",
    "sec_recommendations": "Рекомендации для перехода на следующий уровень",
    "sec_comments": "Комментарии",
    "sec_appendix": "Приложение: участие, надёжность и методика",
    "overall": "В целом",
    "dimension": "Измерение",
    "level": "Уровень",
    "level_name": "Уровень {level}: {name}",
    "mean": "Среднее",
    "n": "n",
    "not_shown": "не показано",
    "hidden": "скрыто",
    "overall_lead": "Общий уровень зрелости",
    "overall_detail": "среднее {mean} по шкале 1–5, респондентов: {n}",
    "overall_hidden": (
        "Общий уровень не показан: слишком мало респондентов ответили по всем измерениям."
    ),
    "summary_lead": (
        "Уровень измерения определяется средним баллом его вопросов по шкале 1–5: ниже 1,8 — "
        "уровень 1, ниже 2,6 — уровень 2, ниже 3,4 — уровень 3, ниже 4,2 — уровень 4, 4,2 и "
        "выше — уровень 5."
    ),
    "dimension_hidden": "Не показано: слишком мало ответов.",
    "current": "Сейчас",
    "target": "Цель",
    "gap": "Отставание от цели",
    "difference": "Разрыв",
    "priority": "Приоритет",
    "target_met": "достигнута",
    "no_targets": (
        "Цели для этого проекта ещё не заданы, поэтому карта показывает только текущий "
        "уровень. Цели согласуются с клиентом по каждому измерению."
    ),
    "targets_lead": (
        "Отставание — разница между текущим средним и нижней границей целевого уровня. "
        "Приоритет — это порядок дорожной карты: измерение идёт после тех, на которые оно "
        "опирается, затем первым идёт наибольшее отставание с учётом веса измерения."
    ),
    "chart_scorecard": "Текущий балл по измерениям",
    "chart_scorecard_targets": "Текущий балл и цель по измерениям",
    "axis_score": "Средний балл (1–5)",
    "iceberg_lead": (
        "Руководство, менеджеры и сотрудники первой линии отвечали на одни и те же вопросы, "
        "сформулированные для их роли. Чем сильнее расходятся их оценки, тем меньше верх "
        "организации видит из того, с чем сталкивается первая линия."
    ),
    "iceberg_context_role": (
        "Этот отчёт посвящён одной роли; уровни ниже показаны для всей организации, для сравнения."
    ),
    "iceberg_context_department": (
        "Этот отчёт посвящён одному подразделению; уровни ниже показаны для всей организации, для "
        "сравнения."
    ),
    "iceberg_index": "Индекс айсберга (средний разрыв между руководством и первой линией): {value}",
    "iceberg_index_na": (
        "Индекс айсберга не рассчитан: не на каждом уровне достаточно респондентов."
    ),
    "chart_iceberg": "Средний балл по уровням",
    "layers_hidden": "Уровни здесь не показаны по отдельности: хотя бы один из них слишком мал.",
    "layer": "Уровень организации",
    "comparison": "Сравнение",
    "gap_exec": "Руководство − первая линия",
    "gap_manager": "Менеджеры − первая линия",
    "ci": "95% доверительный интервал",
    "gap_hidden": "не рассчитан (группа слишком мала)",
    "role_executive": "Руководство",
    "role_manager": "Менеджеры",
    "role_frontline": "Первая линия",
    "heatmap_lead": (
        "Средний балл каждой группы по измерениям, от тёмного (низкий) до светлого (высокий). "
        "Серые ячейки с пометкой «скрыто» не содержат значения: в группе меньше {min} "
        "респондентов или она скрыта, чтобы нельзя было вычислить меньшую группу."
    ),
    "heatmap_consensus": (
        "* низкая согласованность: ответы членов группы сильно расходятся (rwg(J) ниже 0,70), "
        "поэтому среднее не отражает общего мнения."
    ),
    "heatmap_by_department": (
        "В организации {teams} команд — слишком много для одного читаемого графика: карта "
        "показывает подразделения, а отчёт каждого подразделения — его команды."
    ),
    "heatmap_too_many": (
        "Групп: {count} — слишком много для одного читаемого графика; см. отчёты подразделений."
    ),
    "chart_heatmap": "Средний балл по командам и измерениям",
    "chart_heatmap_departments": "Средний балл по подразделениям и измерениям",
    "team": "Команда",
    "department": "Подразделение",
    "distribution_lead": (
        "Доли ответов на каждый вопрос с центром на нейтральном ответе: несогласие слева, "
        "согласие справа. Вопросы приведены в формулировке для {role}. ↺ отмечает обратно "
        "сформулированный вопрос, где согласие — неблагоприятный ответ."
    ),
    "distribution_dropped": (
        "Не показано вопросов: {count}. Ответы на вопрос показываются, только если на него "
        "ответили не менее {min} человек — здесь и в каждой группе, с которой эти данные "
        "можно сопоставить."
    ),
    "chart_distribution": "Ответы: {dimension}",
    "axis_share": "Доля ответов (%)",
    "question": "Вопрос",
    "answer": "Ответ",
    "role_phrase_executive": "руководства",
    "role_phrase_manager": "менеджеров",
    "role_phrase_frontline": "сотрудников первой линии",
    "outcomes_lead": (
        "Устойчивый сервис держит в равновесии три результата: операционное совершенство, "
        "клиентский опыт и вовлечённость сотрудников. Каждый участник оценил их по шкале 1–5, "
        "а также готовность клиентов рекомендовать организацию."
    ),
    "outcomes_hidden": "Оценки результатов не показаны: слишком мало ответов.",
    "chart_outcomes": "Оценки результатов",
    "measure": "Результат",
    "operational_excellence": "Операционное совершенство",
    "customer_experience": "Клиентский опыт",
    "employee_engagement": "Вовлечённость сотрудников",
    "customer_advocacy": "Лояльность клиентов",
    "trifecta_balance": (
        "Разброс между тремя (максимум минус минимум): {spread}; самый слабый: {weakest}."
    ),
    "cx_yes": (
        "Клиентский опыт опережает вовлечённость сотрудников на {value} балла (порог {margin}): "
        "сервис держится на усилиях сотрудников, которых может не хватить надолго."
    ),
    "cx_no": (
        "Клиентский опыт не опережает вовлечённость сотрудников (разница {value}; порог "
        "{margin})."
    ),
    "cx_na": "Сравнение клиентского опыта и вовлечённости сотрудников недоступно.",
    "enps_heading": "Индекс лояльности сотрудников (eNPS)",
    "enps_value": (
        "eNPS {value}: {promoters}% промоутеров (9–10), {passives}% нейтральных (7–8), "
        "{detractors}% критиков (0–6); ответов: {n}."
    ),
    "enps_hidden": "eNPS не показан: слишком мало ответов.",
    "chart_enps": "Порекомендовали бы организацию как место работы",
    "promoters": "Промоутеры",
    "passives": "Нейтральные",
    "detractors": "Критики",
    "share": "Доля (%)",
    "strengths_lead": (
        "Вопросы с самыми высокими и самыми низкими средними баллами (обратно сформулированные "
        "вопросы пересчитаны так, что выше — всегда лучше)."
    ),
    "strengths": "Сильные стороны",
    "opportunities": "Зоны роста",
    "strengths_hidden": "Не показано: слишком мало ответов.",
    "recommendations_lead": (
        "Для каждого измерения: как выглядит текущий уровень и какие действия ведут к "
        "следующему."
    ),
    "towards": "На пути к уровню {level}: {name}",
    "sustain": "Удержание уровня 5: {name}",
    "recommendation_hidden": "Рекомендации нет: уровень этого измерения не показан.",
    "comments_lead": (
        "Комментарии показаны только для команд не меньше {min} респондентов, дословно и в "
        "порядке, не связанном со временем их написания."
    ),
    "comments_none": "В этом отчёте нельзя показать комментарии.",
    "comments_role": (
        "В отчётах по ролям комментарии не показываются: вместе с отчётами по командам они "
        "могли бы указать на конкретных людей."
    ),
    "participation": "Участие",
    "group": "Группа",
    "participation_note": (
        "Скрыто: меньше {min} респондентов или скрыто, чтобы нельзя было вычислить меньшую "
        "группу."
    ),
    "reliability": "Надёжность",
    "reliability_lead": (
        "Альфа Кронбаха по каждому измерению с 95% доверительным интервалом, рассчитанная по "
        "всем респондентам проекта после перекодировки. Ниже 0,70 вопросы измерения недостаточно "
        "согласованно измеряют одно и то же."
    ),
    "alpha": "Альфа",
    "items": "Вопросы",
    "flags": "Отметки",
    "low_reliability": "низкая надёжность",
    "mis_keyed": "возможно, неверная кодировка: {items}",
    "reliability_hidden": "не рассчитано (слишком мало респондентов)",
    "method": "Методика",
    "method_scores": (
        "Ответы даются по шкале согласия 1–5; обратно сформулированные вопросы считаются как 6 "
        "минус ответ. Балл респондента по измерению — среднее его ответов на вопросы этого "
        "измерения, если он ответил хотя бы на половину; ответы «не могу оценить» и пропуски не "
        "учитываются. Балл группы — среднее баллов её участников с 95% доверительным "
        "интервалом (t-распределение); общий балл — взвешенное среднее баллов измерений."
    ),
    "method_gap": (
        "Разрыв восприятия — среднее руководства минус среднее первой линии (и менеджеров минус "
        "первая линия) по каждому измерению, с 95% интервалом Уэлча; он рассчитывается, только "
        "если обе группы показаны."
    ),
    "method_outcomes": (
        "eNPS — доля ответивших 9 или 10 минус доля ответивших от 0 до 6 на вопрос «насколько "
        "вероятно, что вы порекомендуете эту организацию как место работы?». Клиентский опыт "
        "опережает вовлечённость сотрудников, если его средняя оценка выше более чем на "
        "{margin} балла."
    ),
    "method_confidentiality": (
        "Для группы меньше {min} респондентов не показывается ни одно число. При необходимости "
        "скрываются и другие группы, чтобы ни одну скрытую группу нельзя было вычислить "
        "вычитанием показанных чисел — во всех разрезах всех отчётов этого проекта. Комментарии "
        "показываются только для команд не меньше {comment_min} респондентов, в нейтральном "
        "порядке. Графики строятся только по итогам групп."
    ),
    "generated": "Модель {model} {version}; отчёт создан программой assessment {package}.",
    "iceberg_context_team": (
        "Уровни этой команды не показаны по отдельности: хотя бы один из них слишком мал. "
        "Ниже для сравнения показаны уровни всей организации."
    ),
    "heatmap_context_team": (
        "Для сравнения тепловая карта показывает все команды организации; эта команда "
        "отмечена ▶ и обведена."
    ),
    "heatmap_context_team_department": (
        "Для сравнения тепловая карта показывает все подразделения организации; подразделение "
        "этой команды отмечено ▶ и обведено."
    ),
    "heatmap_context_role": (
        "Эта роль не показана по командам: в каждой команде её группа слишком мала или "
        "скрыта, чтобы нельзя было вычислить меньшую группу. Для сравнения тепловая карта "
        "показывает команды целиком (все уровни)."
    ),
    "heatmap_context_department": (
        "Команды этого подразделения не показаны по отдельности: каждая слишком мала или "
        "скрыта, чтобы нельзя было вычислить меньшую группу. Для сравнения тепловая карта "
        "показывает все подразделения; это подразделение отмечено ▶ и обведено."
    ),
    "heatmap_role_team": "Каждая строка — эта роль в одной команде.",
    "heatmap_all_hidden": (
        "Ни одну группу этой тепловой карты нельзя показать: в каждой меньше {min} "
        "респондентов или она скрыта, чтобы нельзя было вычислить меньшую группу."
    ),
    "not_applicable": "неприменимо",
    "index_title": "{organisation}: отчёты проекта {engagement} ({wave})",
    "index_title_engagement": "Отчёты проекта {engagement}",
    "index_lead": "Отчётов: {total}; готово: {ready}, с ошибкой: {failed}. Создано {when}.",
    "index_unit": "Объект",
    "index_language": "Язык",
    "index_status": "Статус",
    "index_report": "Отчёт",
    "index_audit": "Журнал расчёта",
    "index_error": "Ошибка",
    "index_notebook": "блокнот",
    "status_ok": "готов",
    "status_unchanged": "готов (без изменений)",
    "status_failed": "ошибка",
}

_UK: Final = {
    "sec_assessment": "Оцінка консультанта порівняно з опитуванням",
    "assessment_lead": (
        "Окрім опитування, консультант оцінив кожен аспект на основі фактів: інтерв'ю, "
        "спостережень і документів. Якщо оцінки розходяться на два рівні й більше, у "
        "таблиці зазначено розбіжність: те, що кажуть люди, не збігається з тим, що можна "
        "спостерігати, і причину варто з'ясувати."
    ),
    "no_ratings": "Консультант ще не оцінив жодного аспекту.",
    "assessment_unit": (
        "Оцінка консультанта стосується всієї організації: див. звіт щодо організації."
    ),
    "facet": "Аспект",
    "survey_level": "Опитування",
    "consultant_level": "Консультант",
    "evidence": "Обґрунтування",
    "agreement": "Збіг",
    "agree": "збігається",
    "differ": "різниця в один рівень",
    "disagree": "розходиться",
    "roadmap": "Дорожня карта",
    "roadmap_lead": (
        "Етапи відповідають залежностям між вимірами: вимір чекає на ті, на які він "
        "спирається. У межах етапу першим іде найбільший зважений розрив."
    ),
    "phase": "Етап",
    "step": "Крок",
    "after": "Після",
    "report": "Звіт про зрілість сервісу",
    "unit_organisation": "Уся організація",
    "unit_team": "Команда: {name}",
    "unit_role": "Роль: {name}",
    "unit_department": "Підрозділ: {name}",
    "engagement": "Проєкт",
    "wave": "Хвиля",
    "date": "Дата",
    "model": "Модель",
    "respondents": "Респонденти",
    "min_group_size": "Мінімальний розмір групи",
    "confidential": (
        "Конфіденційно. Результати показано лише для груп щонайменше з {min} респондентів; "
        "менші групи, а також групи, з яких можна обчислити меншу, приховано. Індивідуальних "
        "відповідей у звіті немає."
    ),
    "contents": "Зміст",
    "sec_summary": "Підсумок",
    "sec_scorecard": "Картка показників: поточний рівень і ціль",
    "sec_iceberg": "Розрив сприйняття між керівництвом, менеджерами та першою лінією",
    "sec_heatmap": "Виміри за командами",
    "sec_distribution": "Відповіді на кожне питання",
    "sec_outcomes": "Баланс трьох результатів, клієнтський досвід проти досвіду працівників і eNPS",
    "sec_strengths": "Сильні сторони та можливості",
    "sec_recommendations": "Рекомендації для переходу на наступний рівень",
    "sec_comments": "Коментарі",
    "sec_appendix": "Додаток: участь, надійність і методика",
    "overall": "Загалом",
    "dimension": "Вимір",
    "level": "Рівень",
    "level_name": "Рівень {level}: {name}",
    "mean": "Середнє",
    "n": "n",
    "not_shown": "не показано",
    "hidden": "приховано",
    "overall_lead": "Загальний рівень зрілості",
    "overall_detail": "середнє {mean} за шкалою 1–5, респондентів: {n}",
    "overall_hidden": (
        "Загальний рівень не показано: замало респондентів відповіли за всіма вимірами."
    ),
    "summary_lead": (
        "Рівень виміру визначається середнім балом його питань за шкалою 1–5: нижче 1,8 — "
        "рівень 1, нижче 2,6 — рівень 2, нижче 3,4 — рівень 3, нижче 4,2 — рівень 4, 4,2 і "
        "вище — рівень 5."
    ),
    "dimension_hidden": "Не показано: замало відповідей.",
    "current": "Зараз",
    "target": "Ціль",
    "gap": "Відставання від цілі",
    "difference": "Розрив",
    "priority": "Пріоритет",
    "target_met": "досягнуто",
    "no_targets": (
        "Цілі для цього проєкту ще не встановлено, тому картка показує лише поточний рівень. "
        "Цілі погоджуються з клієнтом для кожного виміру."
    ),
    "targets_lead": (
        "Відставання — різниця між поточним середнім і нижньою межею цільового рівня. "
        "Пріоритет — це порядок дорожньої карти: вимір іде після тих, на які він спирається, "
        "потім першим іде найбільше відставання з урахуванням ваги виміру."
    ),
    "chart_scorecard": "Поточний бал за вимірами",
    "chart_scorecard_targets": "Поточний бал і ціль за вимірами",
    "axis_score": "Середній бал (1–5)",
    "iceberg_lead": (
        "Керівництво, менеджери та працівники першої лінії відповідали на ті самі питання, "
        "сформульовані для їхньої ролі. Що більше розходяться їхні оцінки, то менше верхівка "
        "організації бачить із того, з чим стикається перша лінія."
    ),
    "iceberg_context_role": (
        "Цей звіт присвячено одній ролі; рівні нижче показано для всієї організації, для "
        "порівняння."
    ),
    "iceberg_context_department": (
        "Цей звіт присвячено одному підрозділу; рівні нижче показано для всієї організації, для "
        "порівняння."
    ),
    "iceberg_index": "Індекс айсберга (середній розрив між керівництвом і першою лінією): {value}",
    "iceberg_index_na": (
        "Індекс айсберга не обчислено: не на кожному рівні достатньо респондентів."
    ),
    "chart_iceberg": "Середній бал за рівнями",
    "layers_hidden": "Рівні тут не показано окремо: принаймні один із них замалий.",
    "layer": "Рівень організації",
    "comparison": "Порівняння",
    "gap_exec": "Керівництво − перша лінія",
    "gap_manager": "Менеджери − перша лінія",
    "ci": "95% довірчий інтервал",
    "gap_hidden": "не обчислено (група замала)",
    "role_executive": "Керівництво",
    "role_manager": "Менеджери",
    "role_frontline": "Перша лінія",
    "heatmap_lead": (
        "Середній бал кожної групи за вимірами, від темного (низький) до світлого (високий). "
        "Сірі клітинки з позначкою «приховано» не містять значення: у групі менше {min} "
        "респондентів або її приховано, щоб не можна було обчислити меншу групу."
    ),
    "heatmap_consensus": (
        "* низька узгодженість: відповіді членів групи сильно різняться (rwg(J) нижче 0,70), "
        "тож середнє не відображає спільної думки."
    ),
    "heatmap_by_department": (
        "В організації {teams} команд — забагато для одного читабельного графіка: мапа показує "
        "підрозділи, а звіт кожного підрозділу — його команди."
    ),
    "heatmap_too_many": (
        "Груп: {count} — забагато для одного читабельного графіка; див. звіти підрозділів."
    ),
    "chart_heatmap": "Середній бал за командами та вимірами",
    "chart_heatmap_departments": "Середній бал за підрозділами та вимірами",
    "team": "Команда",
    "department": "Підрозділ",
    "distribution_lead": (
        "Частки відповідей на кожне питання з центром на нейтральній відповіді: незгода ліворуч, "
        "згода праворуч. Питання наведено у формулюванні для {role}. ↺ позначає обернено "
        "сформульоване питання, де згода — несприятлива відповідь."
    ),
    "distribution_dropped": (
        "Не показано питань: {count}. Відповіді на питання показуються, лише якщо на нього "
        "відповіли щонайменше {min} осіб — тут і в кожній групі, з якою ці дані можна "
        "зіставити."
    ),
    "chart_distribution": "Відповіді: {dimension}",
    "axis_share": "Частка відповідей (%)",
    "question": "Питання",
    "answer": "Відповідь",
    "role_phrase_executive": "керівництва",
    "role_phrase_manager": "менеджерів",
    "role_phrase_frontline": "працівників першої лінії",
    "outcomes_lead": (
        "Сталий сервіс тримає в рівновазі три результати: операційну досконалість, клієнтський "
        "досвід і залученість працівників. Кожен учасник оцінив їх за шкалою 1–5, а також "
        "готовність клієнтів рекомендувати організацію."
    ),
    "outcomes_hidden": "Оцінки результатів не показано: замало відповідей.",
    "chart_outcomes": "Оцінки результатів",
    "measure": "Результат",
    "operational_excellence": "Операційна досконалість",
    "customer_experience": "Клієнтський досвід",
    "employee_engagement": "Залученість працівників",
    "customer_advocacy": "Лояльність клієнтів",
    "trifecta_balance": (
        "Розкид між трьома (максимум мінус мінімум): {spread}; найслабший: {weakest}."
    ),
    "cx_yes": (
        "Клієнтський досвід випереджає залученість працівників на {value} бала (поріг "
        "{margin}): сервіс тримається на зусиллях працівників, яких може не вистачити надовго."
    ),
    "cx_no": (
        "Клієнтський досвід не випереджає залученість працівників (різниця {value}; поріг "
        "{margin})."
    ),
    "cx_na": "Порівняння клієнтського досвіду та залученості працівників недоступне.",
    "enps_heading": "Індекс лояльності працівників (eNPS)",
    "enps_value": (
        "eNPS {value}: {promoters}% промоутерів (9–10), {passives}% нейтральних (7–8), "
        "{detractors}% критиків (0–6); відповідей: {n}."
    ),
    "enps_hidden": "eNPS не показано: замало відповідей.",
    "chart_enps": "Порекомендували б організацію як місце роботи",
    "promoters": "Промоутери",
    "passives": "Нейтральні",
    "detractors": "Критики",
    "share": "Частка (%)",
    "strengths_lead": (
        "Питання з найвищими та найнижчими середніми балами (обернено сформульовані питання "
        "перераховано так, що вище — завжди краще)."
    ),
    "strengths": "Сильні сторони",
    "opportunities": "Можливості",
    "strengths_hidden": "Не показано: замало відповідей.",
    "recommendations_lead": (
        "Для кожного виміру: який вигляд має поточний рівень і які дії ведуть до наступного."
    ),
    "towards": "На шляху до рівня {level}: {name}",
    "sustain": "Утримання рівня 5: {name}",
    "recommendation_hidden": "Рекомендації немає: рівень цього виміру не показано.",
    "comments_lead": (
        "Коментарі показано лише для команд щонайменше з {min} респондентів, дослівно й у "
        "порядку, не пов'язаному з часом їх написання."
    ),
    "comments_none": "У цьому звіті не можна показати коментарі.",
    "comments_role": (
        "У звітах за ролями коментарі не показуються: разом зі звітами команд вони могли б "
        "указати на конкретних людей."
    ),
    "participation": "Участь",
    "group": "Група",
    "participation_note": (
        "Приховано: менше {min} респондентів або приховано, щоб не можна було обчислити меншу "
        "групу."
    ),
    "reliability": "Надійність",
    "reliability_lead": (
        "Альфа Кронбаха для кожного виміру з 95% довірчим інтервалом, обчислена за всіма "
        "респондентами проєкту після перекодування. Нижче 0,70 питання виміру недостатньо "
        "узгоджено вимірюють одне й те саме."
    ),
    "alpha": "Альфа",
    "items": "Питання",
    "flags": "Позначки",
    "low_reliability": "низька надійність",
    "mis_keyed": "можливо, хибне кодування: {items}",
    "reliability_hidden": "не обчислено (замало респондентів)",
    "method": "Методика",
    "method_scores": (
        "Відповіді даються за шкалою згоди 1–5; обернено сформульовані питання рахуються як 6 "
        "мінус відповідь. Бал респондента за виміром — середнє його відповідей на питання цього "
        "виміру, якщо він відповів принаймні на половину; відповіді «не можу оцінити» та "
        "пропуски не враховуються. Бал групи — середнє балів її учасників із 95% довірчим "
        "інтервалом (t-розподіл); загальний бал — зважене середнє балів вимірів."
    ),
    "method_gap": (
        "Розрив сприйняття — середнє керівництва мінус середнє першої лінії (і менеджерів мінус "
        "перша лінія) для кожного виміру, з 95% інтервалом Велча; його обчислюють, лише якщо "
        "обидві групи показано."
    ),
    "method_outcomes": (
        "eNPS — частка тих, хто відповів 9 або 10, мінус частка тих, хто відповів від 0 до 6 на "
        "питання «наскільки ймовірно, що ви порекомендуєте цю організацію як місце роботи?». "
        "Клієнтський досвід випереджає залученість працівників, якщо його середня оцінка вища "
        "більш ніж на {margin} бала."
    ),
    "method_confidentiality": (
        "Для групи менше {min} респондентів не показується жодне число. За потреби "
        "приховуються й інші групи, щоб жодну приховану групу не можна було обчислити "
        "відніманням показаних чисел — в усіх розрізах усіх звітів цього проєкту. Коментарі "
        "показуються лише для команд щонайменше з {comment_min} респондентів, у нейтральному "
        "порядку. Графіки будуються лише з підсумків груп."
    ),
    "generated": "Модель {model} {version}; звіт створено програмою assessment {package}.",
    "iceberg_context_team": (
        "Рівні цієї команди не показано окремо: принаймні один із них замалий. Нижче для "
        "порівняння показано рівні всієї організації."
    ),
    "heatmap_context_team": (
        "Для порівняння теплова карта показує всі команди організації; цю команду позначено ▶ "
        "й обведено."
    ),
    "heatmap_context_team_department": (
        "Для порівняння теплова карта показує всі підрозділи організації; підрозділ цієї "
        "команди позначено ▶ й обведено."
    ),
    "heatmap_context_role": (
        "Цю роль не показано за командами: у кожній команді її група замала або прихована, "
        "щоб не можна було обчислити меншу групу. Для порівняння теплова карта показує "
        "команди цілком (усі рівні)."
    ),
    "heatmap_context_department": (
        "Команди цього підрозділу не показано окремо: кожна замала або прихована, щоб не "
        "можна було обчислити меншу групу. Для порівняння теплова карта показує всі "
        "підрозділи; цей підрозділ позначено ▶ й обведено."
    ),
    "heatmap_role_team": "Кожен рядок — ця роль в одній команді.",
    "heatmap_all_hidden": (
        "Жодну групу цієї теплової карти не можна показати: у кожній менше {min} респондентів "
        "або її приховано, щоб не можна було обчислити меншу групу."
    ),
    "not_applicable": "не застосовується",
    "index_title": "{organisation}: звіти проєкту {engagement} ({wave})",
    "index_title_engagement": "Звіти проєкту {engagement}",
    "index_lead": "Звітів: {total}; готово: {ready}, з помилкою: {failed}. Створено {when}.",
    "index_unit": "Об'єкт",
    "index_language": "Мова",
    "index_status": "Статус",
    "index_report": "Звіт",
    "index_audit": "Журнал розрахунку",
    "index_error": "Помилка",
    "index_notebook": "блокнот",
    "status_ok": "готовий",
    "status_unchanged": "готовий (без змін)",
    "status_failed": "помилка",
}

#: Report strings per language, then per key.
TEXTS: Final[dict[str, dict[str, str]]] = {"en": _EN, "nl": _NL, "ru": _RU, "uk": _UK}


def text(language: str, key: str, **values: object) -> str:
    """Return the report string ``key`` in ``language`` with its placeholders filled in."""
    template = TEXTS[language][key]
    return template.format(**values) if values else template
