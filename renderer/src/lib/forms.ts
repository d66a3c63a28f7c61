/** A form's submit handler: no page navigation, the action runs (Enter in a field, or the form's submit key). */
export function submitted(action: () => unknown): (event: SubmitEvent) => void {
  return (event) => {
    event.preventDefault();
    void action();
  };
}
