package cases

// The workflow's table (transitions) says where a case may go from its
// status; some steps also need the case to be in a certain state first. A
// case lists in allowed_transitions only the steps that would be accepted
// now, and in blocked_transitions the others with the reason, so that a page
// offers no button that leads to a 409.

// BlockedStep is a step the workflow has from the case's status that would
// be refused now, with the problem type the refusal would carry and why, in
// Chinese and English.
type BlockedStep struct {
	To       Status `json:"to"`
	Type     string `json:"type"`
	ReasonZH string `json:"reason_zh"`
	ReasonEN string `json:"reason_en"`
}

// stepStateCols read what the conditional steps depend on, for scanCase: the
// latest joint inspection's assessment, whether verification evidence is on
// the case, whether it was referred to the police.
const stepStateCols = `(SELECT coalesce(e.data->>'assessment', e.data->'inspection'->>'assessment') FROM case_event e
		WHERE e.case_id = c.id AND (e.kind = 'inspection' OR e.data ? 'inspection') ORDER BY e.version DESC LIMIT 1),
	EXISTS (SELECT 1 FROM case_evidence ev WHERE ev.case_id = c.id AND ev.role = 'verification'),
	EXISTS (SELECT 1 FROM case_measure cm WHERE cm.case_id = c.id AND cm.kind = 'police_referral')`

// stepState is what stepStateCols read.
type stepState struct {
	lastAssessment       *string
	verificationEvidence bool
	policeReferral       bool
}

// judge splits the workflow's steps from c's status into those accepted now
// and those blocked, by the same conditions Transition checks.
func (st stepState) judge(c Case) (allowed []Status, blocked []BlockedStep) {
	allowed, blocked = []Status{}, []BlockedStep{}
	for _, to := range c.Status.Allowed() {
		if b := st.blocker(c, to); b != nil {
			blocked = append(blocked, *b)
			continue
		}
		allowed = append(allowed, to)
	}
	return allowed, blocked
}

// blocker says why the step to would be refused now, or nil.
func (st stepState) blocker(c Case, to Status) *BlockedStep {
	switch to {
	case Interviewed:
		a := ""
		if st.lastAssessment != nil {
			a = *st.lastAssessment
		}
		if !c.Overdue && a != "slow" && a != "incomplete" {
			return &BlockedStep{To: to, Type: "not-overdue-or-stalled",
				ReasonZH: "公开约谈须在整改逾期，或联合执法检查认定整改落实缓慢、解决不彻底之后进行",
				ReasonEN: "a public interview follows a missed deadline, or a joint inspection that found rectification slow or incomplete"}
		}
	case Closed:
		if !st.verificationEvidence {
			return &BlockedStep{To: to, Type: "verification-evidence-missing",
				ReasonZH: "销号前须上传核查的照片或文件（用途：verification）",
				ReasonEN: "upload the photos or documents of the verification check (role verification) before closing"}
		}
		if c.Criminal && !st.policeReferral {
			return &BlockedStep{To: to, Type: "criminal-not-referred",
				ReasonZH: "涉嫌犯罪的案件须先移送公安机关，杜绝以罚代刑",
				ReasonEN: "a criminal case must be referred to the police before it is closed (no fine instead of prosecution)"}
		}
	}
	return nil
}
