//! Work teams: the list with a form to make one, and a team's page where people and worker
//! groups are added and removed.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::admin::list_teams;
use crate::api::teams::{
    AddGroup, AddMember, ChangeGroupMember, CreateTeam, DeleteTeam, FieldError, Person,
    RemoveGroup, RemoveMember, TeamChange, team_page,
};
use crate::pages::chrome::{ConfirmButton, FieldMessages, Loading, WHOLE_FORM, answer_errors};

/// The field messages of a team form's last answer.
fn change_errors(answer: Option<Result<TeamChange, ServerFnError>>) -> Vec<FieldError> {
    answer_errors(answer, WHOLE_FORM, |change| change.errors)
}

#[component]
pub fn TeamsPage() -> impl IntoView {
    let create = ServerAction::<CreateTeam>::new();
    let errors = Signal::derive(move || change_errors(create.value().get()));
    let teams = Resource::new(move || create.version().get(), |_| list_teams());
    view! {
        <Title text="Work teams" />
        <h1>"Work teams"</h1>
        <p class="lead">"Teams receive the tasks of the flow definitions that name them. A person is in a team directly or through a worker group the team includes."</p>
        <ActionForm action=create attr:class="inline-form" attr:data-testid="team-form">
            <label for="team-name">"WorkteamName"</label>
            <input id="team-name" type="text" name="name" required maxlength="63" pattern="[a-zA-Z0-9](-*[a-zA-Z0-9])*" placeholder="moderators" autocomplete="off" aria-describedby="name-errors" />
            <label for="team-description">"Description"</label>
            <input id="team-description" type="text" name="description" required maxlength="200" placeholder="Who they are and what they review" aria-describedby="description-errors" />
            <button type="submit" class="primary" disabled=move || create.pending().get()>"Create team"</button>
        </ActionForm>
        <FieldMessages errors field="name" />
        <FieldMessages errors field="description" />
        <FieldMessages errors field="form" />
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                teams.await.map(|rows| {
                    if rows.is_empty() {
                        return view! { <p class="empty">"No work teams yet."</p> }.into_any();
                    }
                    view! {
                        <table class="grid" data-testid="teams-table">
                            <thead><tr><th>"Name"</th><th>"Description"</th><th>"Direct members"</th><th>"Created (UTC)"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|t| {
                                    let href = format!("/admin/team/{}", t.name);
                                    view! {
                                        <tr><td><A href=href>{t.name}</A></td><td>{t.description}</td><td class="num">{t.members}</td><td>{t.created}</td></tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                })
            })}
        </Transition>
    }
}

/// `<option>`s for the people not in `except`.
fn person_options(people: &[Person], except: &[Person]) -> Vec<AnyView> {
    people
        .iter()
        .filter(|p| !except.iter().any(|e| e.id == p.id))
        .map(|p| {
            let label = if p.active {
                p.email.clone()
            } else {
                format!("{} (deactivated)", p.email)
            };
            view! { <option value=p.id.to_string()>{label}</option> }.into_any()
        })
        .collect()
}

#[component]
pub fn TeamDetailPage() -> impl IntoView {
    let params = use_params_map();
    let add_member = ServerAction::<AddMember>::new();
    let remove_member = ServerAction::<RemoveMember>::new();
    let add_group = ServerAction::<AddGroup>::new();
    let remove_group = ServerAction::<RemoveGroup>::new();
    let group_member = ServerAction::<ChangeGroupMember>::new();
    let delete = ServerAction::<DeleteTeam>::new();
    let team = Resource::new(
        move || {
            (
                params.with(|p| p.get("name").unwrap_or_default()),
                add_member.version().get(),
                remove_member.version().get(),
                add_group.version().get(),
                remove_group.version().get(),
                group_member.version().get(),
            )
        },
        |(name, ..)| team_page(name),
    );
    let errors = Signal::derive(move || {
        [
            change_errors(add_member.value().get()),
            change_errors(remove_member.value().get()),
            change_errors(add_group.value().get()),
            change_errors(remove_group.value().get()),
            change_errors(group_member.value().get()),
            answer_errors(delete.value().get(), WHOLE_FORM, |()| Vec::new()),
        ]
        .concat()
    });
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let Some(team) = team.await? else {
                    return Ok::<_, ServerFnError>(view! {
                        <Title text="Work team not found" />
                        <h1>"Work team not found"</h1>
                        <p><A href="/admin/teams">"All work teams"</A></p>
                    }.into_any());
                };
                let name = team.name.clone();
                let member_rows = team.members.clone().into_iter().map(|m| {
                    let team_name = name.clone();
                    let label = format!("Remove {}", m.email);
                    let shown = if m.active { m.email } else { format!("{} (deactivated)", m.email) };
                    view! {
                        <li>
                            <span>{shown}</span>
                            <ActionForm action=remove_member attr:class="inline">
                                <input type="hidden" name="team" value=team_name />
                                <input type="hidden" name="person" value=m.id.to_string() />
                                <button type="submit" class="ghost" aria-label=label>"Remove"</button>
                            </ActionForm>
                        </li>
                    }
                }).collect_view();
                let groups = team.groups.clone().into_iter().map(|g| {
                    let team_name = name.clone();
                    let group = g.name.clone();
                    let members = g.members.clone().into_iter().map(|m| {
                        let group = group.clone();
                        let label = format!("Take {} out of the group", m.email);
                        view! {
                            <li>
                                {m.email}
                                <ActionForm action=group_member attr:class="inline">
                                    <input type="hidden" name="group" value=group />
                                    <input type="hidden" name="person" value=m.id.to_string() />
                                    <input type="hidden" name="add" value="false" />
                                    <button type="submit" class="ghost" aria-label=label>"Remove"</button>
                                </ActionForm>
                            </li>
                        }
                    }).collect_view();
                    let options = person_options(&team.people, &g.members);
                    let picker_id = format!("group-person-{group}");
                    let test_id = format!("group-{group}");
                    let count = format!("({} member{})", g.members.len(), if g.members.len() == 1 { "" } else { "s" });
                    let (group_a, group_b, group_c) = (group.clone(), group.clone(), group.clone());
                    view! {
                        <section class="group" data-testid=test_id>
                            <h3>{group_a}" "<span class="muted">{count}</span></h3>
                            <ul class="people">{members}</ul>
                            <ActionForm action=group_member attr:class="inline-form">
                                <input type="hidden" name="group" value=group_b />
                                <input type="hidden" name="add" value="true" />
                                <label for=picker_id.clone()>"Add to group"</label>
                                <select id=picker_id name="person">{options}</select>
                                <button type="submit" class="primary">"Add"</button>
                            </ActionForm>
                            <ActionForm action=remove_group attr:class="inline">
                                <input type="hidden" name="team" value=team_name />
                                <input type="hidden" name="group" value=group_c />
                                <button type="submit" class="ghost">"Take the group off this team"</button>
                            </ActionForm>
                        </section>
                    }
                }).collect_view();
                let candidates = person_options(&team.people, &team.members);
                let delete_question = format!("Delete the work team {name}? Teams that flow definitions use cannot be deleted.");
                let field = name.clone();
                let flows = team.flows.clone();
                let (title, heading, member_team, group_team) = (name.clone(), name.clone(), name.clone(), name.clone());
                Ok(view! {
                    <Title text=title />
                    <div class="page-head">
                        <h1 data-testid="team-name">{heading}</h1>
                        <div class="actions">
                            <ConfirmButton url={<DeleteTeam as ServerFn>::url()} field="name" value=field label="Delete"
    question=delete_question
    pending=delete.pending()
    on_confirm=move |name: String| { delete.dispatch(DeleteTeam { name }); } />
                        </div>
                    </div>
                    <FieldMessages errors field="form" />
                    <dl class="facts">
                        <dt>"WorkteamArn"</dt><dd><code data-testid="team-arn">{team.arn}</code></dd>
                        <dt>"Description"</dt><dd>{team.description}</dd>
                        <dt>"CreateDate (UTC)"</dt><dd>{team.created}</dd>
                        <dt>"Flow definitions"</dt>
                        <dd>{if flows.is_empty() { view! { <span class="muted">"none yet"</span> }.into_any() } else {
                            flows.into_iter().map(|f| { let href = format!("/admin/flow/{f}"); view! { <A href=href>{f}</A>" " } }).collect_view().into_any()
                        }}</dd>
                    </dl>
                    <h2>"People"</h2>
                    <ul class="people" data-testid="team-members">{member_rows}</ul>
                    <ActionForm action=add_member attr:class="inline-form">
                        <input type="hidden" name="team" value=member_team />
                        <label for="team-person">"Add a person"</label>
                        <select id="team-person" name="person" data-testid="team-person" aria-describedby="person-errors">{candidates}</select>
                        <button type="submit" class="primary" disabled=move || add_member.pending().get()>"Add to team"</button>
                    </ActionForm>
                    <FieldMessages errors field="person" />
                    <h2>"Worker groups"</h2>
                    <p class="hint">"Everyone in a group the team includes gets the team's tasks. API callers name groups in "<code>"MemberDefinitions"</code>"."</p>
                    {groups}
                    <ActionForm action=add_group attr:class="inline-form">
                        <input type="hidden" name="team" value=group_team />
                        <label for="team-group">"Include a group"</label>
                        <input id="team-group" type="text" name="group" required maxlength="128" placeholder="night-shift" aria-describedby="group-errors" />
                        <button type="submit" class="primary">"Include"</button>
                    </ActionForm>
                    <FieldMessages errors field="group" />
                }.into_any())
            })}
        </Transition>
    }
}
