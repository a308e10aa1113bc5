"""The words of the demo PPG's feedback, written for PPG Desk (core/demo_text.py joins them).

Each topic has core sentences, details and one-liners with {slots} filled from FILLS. The
wording is our own; the numbers in CONTACT_LINES come from the range Ofcom keeps for drama.
"""

# fmt: off
# (kept compact: these are lists of phrases, one reading line each, not code)

from __future__ import annotations

from dataclasses import dataclass

FILLS: dict[str, tuple[str, ...]] = {
    "minutes": (
        "20", "25", "30", "35", "40", "45", "50", "55", "over 60", "nearly 90",
    ),
    "position": (
        "14th", "19th", "23rd", "27th", "31st", "38th", "42nd", "9th",
    ),
    "weeks": (
        "two", "three", "three", "four", "five", "six",
    ),
    "days": (
        "two", "three", "four", "five", "ten",
    ),
    "day": (
        "Monday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
    ),
    "time": (
        "8am", "8.00", "8 o'clock", "one minute past eight", "8:30", "2pm",
    ),
    "clinician": (
        "Dr Okafor", "Dr Whitfield", "Dr Singh", "Dr Marsh", "Dr Ahmed", "Dr Kowalski",
        "the nurse practitioner", "the practice nurse", "the locum", "the pharmacist",
        "the physio", "Dr Pryce",
    ),
    "staff": (
        "receptionist", "care navigator", "lady on reception", "young man on the desk",
        "person on the front desk", "receptionist on the phone",
    ),
    "drug": (
        "inhaler", "blood pressure tablets", "metformin", "HRT", "eye drops",
        "repeat prescription", "sertraline", "insulin", "statins", "thyroid tablets",
    ),
    "test": (
        "blood test", "blood results", "urine sample", "ECG", "smear test results", "x-ray",
        "scan results", "swab",
    ),
    "relative": (
        "my mum", "my dad", "my husband", "my wife", "my son", "my daughter",
        "my elderly neighbour", "my partner", "my nan",
    ),
    "condition": (
        "chest infection", "bad back", "rash that would not go", "ear infection", "migraine",
        "swollen ankle", "water infection", "cough that would not shift", "lump on my neck",
    ),
    "hospital": (
        "the hospital", "dermatology", "the ENT clinic", "cardiology", "the fracture clinic",
        "physio", "the memory clinic", "gynaecology",
    ),
}

PATIENT_NAMES = (
    "Jean Barker", "Tom Whitlock", "Priya Desai", "Margaret Holloway", "Kevin O'Dowd",
    "Sandra Pike", "Ahmed Rahman", "Lucy Fenwick", "Derek Mowbray", "Grace Adeyemi",
    "Bill Thornton", "Helen Crabtree", "Zofia Nowak", "Raymond Ellis", "Carol Stebbings",
)

OPENINGS: dict[str, tuple[str, ...]] = {
    "negative": (
        "", "", "", "", "Not happy.", "I have to say something about this.", "Again!!",
        "Sorry to moan but", "I'm really fed up.", "Just want to flag this.",
        "Absolutely shocking.", "Where do I start.", "Same old story.",
        "This is the third time I've complained.", "I know everyone is busy but",
        "Honestly, what is going on?", "Not for the first time,", "Bit of a rant, sorry.",
        "I don't normally complain but", "Wanted the group to know:",
    ),
    "positive": (
        "", "", "", "", "Just a quick note to say thank you.", "Credit where it's due.",
        "I wanted to pass this on.", "So pleased.", "Praise for the team:",
        "I don't usually write in but", "A big thank you.", "Good news for a change!",
        "Just had to say,", "After all the moaning about the phones,",
    ),
    "suggestion": (
        "", "", "", "An idea for the group:", "Suggestion -", "Could the practice consider this?",
        "Just a thought.", "Something that might help:", "From a regular patient:",
    ),
}

_SALUTATIONS = (
    "Dear Sir or Madam,", "Dear Practice Manager,", "To whom it may concern,",
    "Dear PPG members,", "I am writing on behalf of {relative}.",
)
FORMAL_OPENINGS: dict[str, tuple[str, ...]] = {
    "negative": (*_SALUTATIONS, "I am writing to raise a concern.",
                 "I wish to make a formal complaint."),
    "positive": (*_SALUTATIONS, "I am writing to say thank you."),
    "suggestion": (*_SALUTATIONS, "I would like to make a suggestion."),
}

CLOSINGS: dict[str, tuple[str, ...]] = {
    "negative": (
        "", "", "", "", "Please sort it out.", "Something has to change.",
        "I hope the PPG can raise this.", "It's not good enough.", "Very disappointing.",
        "I know it's not the staff's fault but it needs fixing.", "Rant over.",
        "Would like someone to look into this.", "Others in the queue said the same.",
        "Thank you for listening.", "It's making people ill with worry.",
    ),
    "positive": (
        "", "", "", "", "Thank you all.", "Keep it up!", "Much appreciated.",
        "Please pass on my thanks.", "Made a real difference.", "Five stars from me.",
        "Lucky to have this surgery.", "Cheers!", "Thanks again to all the team.",
    ),
    "suggestion": (
        "", "", "", "Thanks for reading.", "Hope that helps.", "Worth a try?",
        "Happy to talk about it at a meeting.", "Just an idea.",
    ),
}

FORMAL_CLOSINGS = (
    "Yours faithfully.", "Yours sincerely.", "I look forward to your reply.", "Kind regards.",
)

CONTACT_LINES = (
    "My name is {name}, please ring me on {phone}.",
    "You can contact me on {phone} (that's {name}).", "{name} - {phone} - happy to be contacted.",
    "Please call {name} on {phone} if you need more details.",
    "I'm {name}, my number is {phone}, I'd like a reply.",
    "It was {name} who dealt with it, you can reach me on {phone}.",
)



@dataclass(frozen=True)
class Topic:
    """What one kind of comment is about, with its wording and the theme it belongs to."""

    key: str
    theme: str
    polarity: str  # negative | positive | suggestion
    cores: tuple[str, ...]
    details: tuple[str, ...]
    shorts: tuple[str, ...]


TOPICS: dict[str, Topic] = {topic.key: topic for topic in (
    Topic("phone", "phone_access", "negative", cores=(
        "Rang at {time} and was {position} in the queue.",
        "I was on hold for {minutes} minutes this morning and then got cut off.",
        "You cannot get through on the phone, it is engaged from {time} onwards.",
        "Spent {minutes} minutes in the phone queue only to be told there were no appointments left.",
        "The phone line rings out or goes to a message saying the surgery is busy.",
        "Tried to phone every day last week, never got past the recorded message.",
        "The telephone system is a nightmare, I gave up after {minutes} minutes.",
        "The call back option never calls back.",
        "Waiting on the phone for {minutes} minutes is not acceptable for someone who is unwell.",
        "My phone bill is going up just from sitting in the queue.",
        "Pressed option 2 for appointments and the line just went dead.",
        "Three days running I have been cut off at the top of the queue.",
        "Rang at {time} on {day}, still holding {minutes} minutes later.",
        "Why does the phone message take two minutes before you can even join the queue?",
    ), details=(
        "I had to ring from work and couldn't stay on hold.",
        "By the time I got through it was gone nine.",
        "{relative} can't use the internet so the phone is the only way.",
        "I ended up walking down to the surgery instead.",
        "The message says you are {position} in the queue and then it doesn't move.",
        "It took me {days} days to get through.", "Other surgeries round here seem to manage.",
        "The music on hold is driving me mad.",
    ), shorts=(
        "Phones impossible again.", "Can't get through on the phone!!", "{minutes} mins on hold.",
        "Phone queue is ridiculous.", "Engaged tone all morning.", "Never answer the phone.",
    )),
    Topic("phone_hub", "phone_access", "negative", cores=(
        "Since the new phone hub started you can't get through to anyone at the surgery.",
        "The central hub doesn't know anything about our practice, they just take a message.",
        "The new call centre keeps us on hold for {minutes} minutes and then transfers us back.",
        "Since calls go to the hub I've been cut off three times in a row.",
        "The hub staff can't see the appointment book properly so nobody can book anything.",
        "Whoever decided to move the phones to a central hub should try ringing it at {time}.",
        "Rang the hub, {position} in the queue, then it said the service was closed.",
        "The hub told me to ring the surgery and the surgery number goes to the hub.",
        "The new telephone hub is a disaster, I used to get through in five minutes.",
    ), details=(
        "We were told the hub would make things better.",
        "The person at the hub was polite but clearly had no idea.",
        "I miss being able to speak to our own receptionists.",
        "Apparently it covers several surgeries now, which explains the queue.",
        "The hub is supposed to ring back within the hour. It didn't.",
        "{relative} gave up and went to A&E instead.",
    ), shorts=(
        "New phone hub = useless.", "The hub is hopeless.", "Hub cut me off again.",
        "Bring back the old phone system!",
    )),
    Topic("appointments", "appointment_availability", "negative", cores=(
        "There are never any appointments, I was told to ring back tomorrow at {time}.",
        "The earliest routine appointment is in {weeks} weeks.",
        "I was told all the appointments had gone by ten past eight.",
        "Couldn't get an appointment for {relative} who has a {condition}.",
        "I was told to use the walk-in centre because there were no appointments left.",
        "Tried for {days} days to book an appointment with a GP and failed.",
        "You can't book ahead any more, it's the 8am scramble or nothing.",
        "I needed an urgent appointment and was offered one in {weeks} weeks.",
        "I was told to ring on the day for an appointment, then told none were left on the day.",
        "They only book two weeks ahead and that is always full.",
        "My {relative} needed a review but there was nothing for {weeks} weeks.",
    ), details=(
        "I ended up paying for a private GP.",
        "By the time I was seen the {condition} had got much worse.",
        "The pharmacy said I really needed to see a doctor.",
        "I work shifts so the morning rush is impossible for me.",
        "It's the same story every time.",
    ), shorts=(
        "No appointments. Again.", "Impossible to book an appointment.",
        "{weeks} week wait for a GP appointment!", "No appts left by 8.15.",
    )),
    Topic("cancellations", "cancellations", "negative", cores=(
        "My appointment was cancelled the night before by text.",
        "They cancelled my appointment at short notice and I'd already taken the day off.",
        "Second time my appointment has been cancelled at the last minute.",
        "Got a text an hour before saying my appointment was cancelled and to rebook.",
        "My appointment with {clinician} was cancelled and nobody told me why.",
        "Turned up for my appointment and was told it had been cancelled.",
        "My review with {clinician} was rescheduled twice in one month.",
    ), details=(
        "I had arranged childcare specially.",
        "Now I have to start the whole booking battle again.",
        "{relative} had booked a taxi to get there.",
        "Apparently there was staff sickness but nobody rang.",
        "The new date is {weeks} weeks away.",
    ), shorts=(
        "Appointment cancelled last minute!", "Cancelled AGAIN.",
        "Another short notice cancellation.",
    )),
    Topic("online", "online_services", "negative", cores=(
        "The NHS App says there are no appointments to book online.",
        "The website keeps logging me out before I can finish.",
        "I can't order my {drug} through the app any more.",
        "Online services are fine if you are young and have a smartphone, but not for {relative}.",
        "The website sends you round in circles back to the phone number.",
        "I filled in the online request and heard nothing for {days} days.",
        "The NHS App shows my test results but nobody explains them.",
        "I was told to use the app but it would not link to my GP record.",
    ), details=(
        "I'm not confident with computers.",
        "The app says to contact the surgery, which is the problem in the first place.",
        "My login stopped working after an update.", "Not everyone has internet at home.",
    ), shorts=(
        "Website useless.", "App won't let me book.", "NHS App not working for this surgery.",
    )),
    Topic("online_form", "online_services", "negative", cores=(
        "The new online form closes at {time} when it's full and then you have to phone.",
        "The new online consultation form kept crashing halfway through.",
        "I filled in the online form and got an automatic reply saying to wait {days} days.",
        "The online form asks the same questions over and over and then won't submit.",
        "Since the new online form you have to go through it even for a simple question.",
        "The online form was switched off by {time} so I had to ring anyway.",
    ), details=(
        "It took me {minutes} minutes to fill in.",
        "There's no box for what was actually wrong with me.",
        "{relative} can't manage it at all.", "I lost everything I typed when it timed out.",
    ), shorts=(
        "New online form doesn't work.", "Online form closed again by {time}.",
        "That online form is awful.",
    )),
    Topic("prescriptions", "prescriptions", "negative", cores=(
        "My repeat prescription wasn't sent to the pharmacy again.",
        "I ordered my {drug} a week ago and the chemist still hasn't got it.",
        "The pharmacy says the surgery hasn't signed my prescription.",
        "I've run out of my {drug} because the repeat request went missing.",
        "My medication was changed without anyone telling me.",
        "The chemist only had half my {drug} because the prescription said the wrong amount.",
        "Prescriptions take five working days now, it used to be two.",
    ), details=(
        "I had to go without for {days} days.", "The chemist and the surgery blame each other.",
        "It's the same every month.", "I rang about it and was on hold for {minutes} minutes.",
    ), shorts=(
        "Prescription late again.", "Still waiting for my {drug}.", "Repeat prescription lost.",
    )),
    Topic("reception_rude", "reception_staff", "negative", cores=(
        "The {staff} was very rude and made me feel like a nuisance.",
        "I was asked personal questions at the front desk in front of everyone.",
        "The {staff} put the phone down on me.",
        "I was told off for turning up two minutes late.",
        "The {staff} rolled their eyes when I said I needed to see a doctor.",
        "I was spoken to as if I was stupid.",
        "The {staff} refused to listen and just kept saying ring at {time}.",
        "Reception staff were chatting and ignored me for ages.",
    ), details=(
        "I was close to tears.", "Other patients in the queue looked embarrassed for me.",
        "I understand they are under pressure but there's no need for that.",
        "{relative} won't go in now because of it.",
    ), shorts=(
        "Rude receptionist.", "Reception attitude is terrible.", "Shocking manners at reception.",
    )),
    Topic("reception_kind", "reception_staff", "positive", cores=(
        "The {staff} was so helpful and found me an appointment the same day.",
        "Reception staff were kind and patient with {relative}.",
        "The {staff} went out of their way to sort out my prescription.",
        "The front desk team are always friendly and cheerful.",
        "The {staff} rang me back exactly when they said they would.",
    ), details=(
        "It makes such a difference when you're feeling rough.", "You could tell they cared.",
        "Nothing was too much trouble.",
    ), shorts=(
        "Lovely receptionist today.", "Reception were brilliant.", "Very helpful staff.",
    )),
    Topic("clinical_good", "clinical_care", "positive", cores=(
        "{clinician} really listened and took time to explain everything.",
        "I was examined properly and felt taken seriously.",
        "{clinician} spotted my {condition} early and sorted the treatment quickly.",
        "The nurse was gentle and reassuring during my {test}.",
        "{clinician} rang me the same afternoon to check I was ok.",
        "Excellent care from {clinician} for {relative}.",
    ), details=(
        "I came out feeling much better about it.", "We are lucky to have such good doctors.",
        "Nothing was rushed.", "They followed up without me having to chase.",
    ), shorts=(
        "Brilliant doctor.", "{clinician} was great.", "Fantastic nurse today.",
        "Really good care.",
    )),
    Topic("clinical_poor", "clinical_care", "negative", cores=(
        "The doctor didn't examine me and just told me to take paracetamol.",
        "I felt rushed, the appointment lasted about three minutes.",
        "{clinician} didn't listen to what I was saying about my {condition}.",
        "I was told it was nothing and it turned out to be a {condition}.",
        "The phone consultation wasn't enough, I needed to be seen in person.",
        "I was only allowed to talk about one problem.",
    ), details=(
        "I had to go back {days} days later.", "I left feeling dismissed.",
        "I've been a patient here for twenty years and never felt like this.",
    ), shorts=(
        "Didn't feel listened to.", "Rushed appointment.", "Not impressed with the doctor.",
    )),
    Topic("results", "test_results", "negative", cores=(
        "I had a {test} {weeks} weeks ago and still haven't had the results.",
        "Nobody rang me with my {test} even though I was told they would.",
        "I had to chase my {test} three times.",
        "The text said my results were 'normal, no action' but the doctor said otherwise.",
        "Results came back abnormal and it took {days} days for anyone to tell me.",
        "I was told my {test} was lost and had to be done again.",
    ), details=(
        "Waiting is very worrying.",
        "I was told to ring after 2pm for results but you can't get through.",
        "I ended up asking the hospital.",
    ), shorts=(
        "Still waiting for test results.", "No one called about my results.",
    )),
    Topic("referrals", "referrals", "negative", cores=(
        "My referral to {hospital} was never sent.",
        "The hospital says they have no record of my referral.",
        "I've been waiting {weeks} weeks just for the referral letter to go.",
        "The doctor said she'd refer me to {hospital} but nothing happened.",
        "Referral for {relative} went to the wrong hospital.",
        "I was told the referral was urgent, {hospital} say they got it {weeks} weeks later.",
        "Nobody can tell me if my referral has even been sent.",
    ), details=(
        "I only found out when I rang {hospital} myself.",
        "Meanwhile the {condition} is getting worse.",
        "Now we're back at the bottom of the waiting list.",
    ), shorts=(
        "Referral lost.", "Referral still not done.",
    )),
    Topic("waiting_room", "waiting_room", "negative", cores=(
        "I waited {minutes} minutes past my appointment time in the waiting room.",
        "The clinic was running late and nobody said anything.",
        "Kept waiting for ages with a poorly child in a crowded waiting room.",
        "The screen said the doctor was running 10 minutes late, it was more like {minutes} minutes.",
        "Sat in the waiting room for {minutes} minutes then was told I'd been missed.",
        "The self check-in screen was broken so I queued {minutes} minutes just to say I was there.",
    ), details=(
        "A simple apology would have helped.", "There's nowhere to sit when it's busy.",
        "I had to leave to get back to work.",
    ), shorts=(
        "Running late again.", "{minutes} minute wait in the waiting room.",
    )),
    Topic("continuity", "continuity", "negative", cores=(
        "I never see the same doctor twice and have to explain everything again.",
        "It's always a different locum who doesn't know my history.",
        "I'd like to see my own GP but am told that's not possible.",
        "Since {clinician} left there's been no continuity at all.",
        "Every time it's a different doctor with a different plan.",
        "I asked to see {clinician} and was told the wait would be {weeks} weeks.",
        "The new doctor hadn't read my notes and asked the same questions as last time.",
    ), details=(
        "With a long-term condition that really matters.",
        "The locums are fine but they don't know me.",
        "{relative} gets confused by different faces.",
    ), shorts=(
        "Always a different doctor.", "Locum after locum.",
    )),
    Topic("communication", "communication", "negative", cores=(
        "I got a letter about a review but no date or time.",
        "Nobody told me the surgery was closed for training.",
        "I emailed the practice {weeks} weeks ago and have had no reply.",
        "The text message asked me to book a review but there were no slots.",
        "I received a letter meant for someone else.",
        "We were not informed about the changes to the phone system.",
        "The practice website still shows the old opening hours.",
        "Got three texts in one day, two of them contradicting each other.",
    ), details=(
        "It's the lack of information that's frustrating.",
        "A newsletter or a notice would help.", "I only found out by word of mouth.",
    ), shorts=(
        "No reply to my email.", "Nobody tells us anything.",
    )),
    Topic("premises", "premises_access", "negative", cores=(
        "The car park is always full and there's nowhere to park nearby.",
        "The hearing loop at reception doesn't work.",
        "The disabled toilet was out of order again.",
        "The front door is heavy and hard to open with a wheelchair.",
        "The waiting room was not clean and the bin was overflowing.",
        "There are no disabled parking spaces free in the mornings.",
        "There is no dropped kerb near the entrance, which is hard with a pushchair.",
        "The automatic doors have been broken since {day}.",
        "The chairs in the waiting room are too low for older people to get out of.",
    ), details=(
        "{relative} uses a wheelchair and struggled.",
        "I'm hard of hearing and couldn't hear my name called.",
        "It's been like that for months.",
    ), shorts=(
        "Parking nightmare.", "Hearing loop broken.", "Toilet out of order again.",
    )),
    Topic("records", "records_admin", "negative", cores=(
        "My records say I'm allergic to penicillin and I'm not.",
        "It took {weeks} weeks to register {relative} at the practice.",
        "I asked for a fit note and it took {days} days.",
        "The admin team lost the form I handed in.",
        "My address still hasn't been updated after three requests.",
        "My records from my old surgery still haven't arrived.",
        "I asked for a copy of my records a month ago and heard nothing.",
        "My repeat list still has a medicine I stopped two years ago.",
    ), details=(
        "It's just paperwork but it matters.", "I had to fill the same form in twice.",
        "My employer needed it by Friday.",
    ), shorts=(
        "Records wrong again.", "Fit note delay.",
    )),
    Topic("compliment", "clinical_care", "positive", cores=(
        "Thank you to everyone at the surgery for looking after {relative}.",
        "The flu clinic was really well organised, in and out in ten minutes.",
        "I've always had good care here, thank you.",
        "From the receptionist to {clinician}, everyone was lovely.",
        "The practice nurse made my {test} painless and easy.",
        "Really impressed with the new baby clinic.",
        "The staff are doing a great job in difficult times.",
        "The pharmacist sorted out my medication review over the phone, really thorough.",
        "Got a same-day appointment for {relative} and the doctor was brilliant with them.",
        "The new physio service is excellent, seen within a week.",
        "Everyone was so kind when we lost {relative}, thank you.",
        "The home visit for {relative} was arranged quickly and the nurse was wonderful.",
    ), details=(
        "We really appreciate it.", "I know how busy they are.", "It's a credit to the practice.",
    ), shorts=(
        "Great service, thank you.", "Excellent as always.", "Thank you!", "Very happy.",
    )),
    Topic("suggestion", "communication", "suggestion", cores=(
        "Could the practice put the phone queue position on the message?",
        "It would help to have a few appointments bookable in advance for people who work.",
        "Could there be a call back option so we don't have to stay on hold?",
        "Maybe a newsletter each month saying what's changed at the surgery.",
        "The waiting room screen could show how late each clinic is running.",
        "Please offer a paper option for people who can't use the NHS App.",
        "A text reminder the day before appointments would cut down on missed ones.",
        "Evening or Saturday appointments would really help working parents.",
        "Could the hearing loop be tested regularly, and a sign put up to say there is one?",
        "It would be good to know which doctor works which days so we can ask for them.",
        "A quiet corner at reception for private conversations would help.",
        "Put the opening hours and the out-of-hours number on the front door.",
        "Could the practice offer a translator for patients whose first language isn't English?",
        "Let people order repeat prescriptions by dropping a slip in a box again.",
    ), details=(
        "Other practices near us do this.", "It would save everyone time.",
        "Happy to help test it as a PPG volunteer.",
    ), shorts=(
        "Please add a call back option.", "More evening appointments please.",
    )),
)}

FFT_REASONS: dict[str, tuple[str, ...]] = {
    "Very good": (
        "Friendly staff", "Seen on time", "Doctor listened to me", "Quick and easy",
        "Nurse was lovely", "Got an appointment the same day", "Always helpful", "Very caring",
    ),
    "Good": (
        "Good service", "Bit of a wait but fine", "Helpful receptionist", "No complaints",
        "Sorted my problem", "Staff polite",
    ),
    "Neither good nor poor": (
        "Ok", "Average", "Took a while to get an appointment", "Fine once I was seen",
    ),
    "Poor": (
        "Long wait on the phone", "Couldn't get an appointment", "Running late", "Felt rushed",
        "Hard to get through",
    ),
    "Very poor": (
        "Phones terrible", "On hold for an hour", "Appointment cancelled", "Rude reception",
        "No appointments ever",
    ),
    "Don't know": (
        "First visit", "Not sure", "Only here for a blood test",
    ),
}
